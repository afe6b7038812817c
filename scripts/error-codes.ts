/**
 * Renders docs/error-codes.md from the catalogue: every code with its series, default outcome,
 * error class, customer message and the reason where it departs from its series.
 * `pnpm docs:codes` writes it; a test fails when the committed file is stale.
 */
import { CATALOGUE, customerMessageFor, errorClassNameOf } from '@portone-retry/core';

const SERIES_TITLES: Readonly<Record<string, string>> = {
  pending: '1000 pending',
  success: '2000 success',
  validation: '4000 validation',
  system: '5000 PortOne/PSP system',
  card: '6000 bank/card',
  unknown: '7000 unknown',
  psp: '8000 other PSP',
};

const cell = (text: string | undefined) => (text ?? '—').replace(/\|/g, '\\|');

export function renderErrorCodesMarkdown(): string {
  const lines = [
    '# PortOne error codes and what portone-retry does with them',
    '',
    'Generated from the catalogue in `@portone-retry/core` by `pnpm docs:codes`; do not edit by hand.',
    'Codes PortOne does not list take their series’ default. 1000 and 2000 are series with no listed codes: any 1xxx is polled, any 2xxx resolves.',
    '',
    '| code | status | series | default outcome | error class | customer message | why it differs from its series |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const info of CATALOGUE) {
    lines.push(
      `| ${info.code} | ${info.status} | ${SERIES_TITLES[info.series]} | ${info.outcome} | ${errorClassNameOf(info)} | ${cell(customerMessageFor(info.code))} | ${cell(info.reason)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
