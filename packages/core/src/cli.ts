#!/usr/bin/env node
/**
 * `portone-retry`: what a PortOne code means and what the SDK does with it.
 *   portone-retry explain 6014
 *   portone-retry explain INVALID_CARD_DECLINED_ERROR
 *   portone-retry codes --series card
 */
import { CATALOGUE, SERIES } from './catalogue/index.js';
import { customerMessageFor, errorClassNameOf } from './errors/index.js';
import type { CodeInfo, Series } from './types.js';

const HELP = `portone-retry — PortOne status codes and what the SDK does with them

Usage:
  portone-retry explain <code|STATUS>   what a code means, the default outcome, error class, customer message
  portone-retry codes [--series <name>]  list codes (series: ${SERIES.join(', ')})
  portone-retry --help
`;

const WHAT_HAPPENS: Readonly<Record<string, string>> = {
  succeed: 'resolves with the answer',
  poll: 'polls the transaction status until it settles or the poll deadline passes',
  fail: 'fails at once, no retry',
  retry:
    'retries with exponential backoff and full jitter (a create is reconciled by order ref first)',
  surface: 'never retried; surfaced to the customer with a message they can act on',
};

function explain(info: CodeInfo): string {
  const message = customerMessageFor(info.code);
  return [
    `${info.code} ${info.status}`,
    `  series:           ${info.series}`,
    `  default outcome:  ${info.outcome} — ${WHAT_HAPPENS[info.outcome]}`,
    ...(info.reason ? [`  why:              ${info.reason}`] : []),
    `  error class:      ${errorClassNameOf(info)}`,
    `  customer message: ${message ?? '— (not shown to customers)'}`,
  ].join('\n');
}

/** Runs the CLI; returns the exit code. `write` receives the output (stdout or stderr). */
export function main(
  argv: readonly string[],
  write: (text: string, stream: 'out' | 'err') => void,
): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    write(HELP, 'out');
    return command === undefined ? 1 : 0;
  }
  if (command === 'explain') {
    const query = rest[0];
    if (query === undefined) {
      write('explain needs a code or a status, e.g. `portone-retry explain 6014`\n', 'err');
      return 1;
    }
    const byCode = /^\d+$/.test(query)
      ? CATALOGUE.filter((info) => info.code === Number(query))
      : [];
    const byStatus = CATALOGUE.filter((info) => info.status === query.toUpperCase());
    const matches = byCode.length > 0 ? byCode : byStatus;
    if (matches.length === 0) {
      write(
        `${query} is not in PortOne's code reference. Unknown codes take their series' default.\n`,
        'err',
      );
      return 1;
    }
    write(`${matches.map(explain).join('\n\n')}\n`, 'out');
    return 0;
  }
  if (command === 'codes') {
    const flag = rest.indexOf('--series');
    const series = flag === -1 ? undefined : rest[flag + 1];
    if (flag !== -1 && !(SERIES as readonly string[]).includes(series ?? '')) {
      write(`--series must be one of ${SERIES.join(', ')}\n`, 'err');
      return 1;
    }
    const rows = CATALOGUE.filter(
      (info) => series === undefined || info.series === (series as Series),
    );
    if (rows.length === 0) {
      write(`PortOne's reference lists no single code in the ${series} series.\n`, 'out');
      return 0;
    }
    write(
      `${rows.map((info) => `${info.code}  ${info.status.padEnd(52)} ${info.outcome}`).join('\n')}\n`,
      'out',
    );
    return 0;
  }
  write(`unknown command: ${command}\n\n${HELP}`, 'err');
  return 1;
}

// Run when executed as the `portone-retry` bin (not when imported by a test).
const entry = typeof process !== 'undefined' ? (process.argv[1] ?? '') : '';
if (/portone-retry$|cli\.(c?js|mjs)$/.test(entry)) {
  process.exitCode = main(process.argv.slice(2), (text, stream) => {
    (stream === 'out' ? process.stdout : process.stderr).write(text);
  });
}
