import { CATALOGUE, SERIES } from '../catalogue/index.js';
import type { Series } from '../types.js';
import { type CodeFacts, factsOf, SERIES_TITLES } from './code-facts.js';

/** The first code of each series: what an unlisted code of that series is treated like. */
const SERIES_SAMPLE: Readonly<Record<Series, number>> = {
  pending: 1000,
  success: 2000,
  validation: 4000,
  system: 5000,
  card: 6000,
  unknown: 7000,
  psp: 8000,
};

/** Markdown-safe table cell; `—` for nothing. */
const cell = (text: string | undefined) =>
  text === undefined || text === '' ? '—' : text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const errorClassCell = (facts: CodeFacts) =>
  facts.errorClass === undefined
    ? '— (resolves)'
    : facts.series === 'pending'
      ? `${facts.errorClass} (if it never settles)`
      : facts.errorClass;

/**
 * docs/error-codes.md: every code of PortOne's reference with what the SDK does with it by
 * default. `pnpm docs:codes` writes it; a test fails when the committed file differs.
 */
export function renderErrorCodesMarkdown(): string {
  const lines = [
    '# PortOne status codes and what portone-retry does with them',
    '',
    'Generated from the catalogue of `@portone-retry/core` by `pnpm docs:codes`; do not edit by hand.',
    'Every default can be overridden per series, per code and per call (see the policy options).',
    'The same facts, one code at a time: `npx @portone-retry/core explain <code|STATUS>`.',
    '',
    '## Series defaults',
    '',
    'A code PortOne does not list takes its series’ default. The 1000 and 2000 series list no',
    'single code: any 1xxx is polled, any 2xxx resolves.',
    '',
    '| series | default outcome | error class | customer message |',
    '| --- | --- | --- | --- |',
  ];
  for (const series of SERIES) {
    const facts = factsOf(SERIES_SAMPLE[series]);
    lines.push(
      `| ${SERIES_TITLES[series]} | ${facts.outcome} | ${errorClassCell(facts)} | ${cell(facts.customerMessage)} |`,
    );
  }
  lines.push(
    '',
    '## Codes',
    '',
    '| code | status | series | default outcome | error class | customer message | why it differs from its series |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const info of CATALOGUE) {
    const facts = factsOf(info);
    lines.push(
      `| ${facts.code} | ${cell(facts.status)} | ${SERIES_TITLES[facts.series]} | ${facts.outcome} | ${errorClassCell(facts)} | ${cell(facts.customerMessage)} | ${cell(facts.reason)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
