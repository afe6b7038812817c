/**
 * `portone-retry`: what a PortOne code means and what the SDK does with it by default.
 *   portone-retry explain 6014
 *   portone-retry explain INVALID_CARD_DECLINED_ERROR
 *   portone-retry codes --series card
 * The bin (`bin.ts`) only wires this to the process, so tests call `main` directly.
 */
import { CATALOGUE, parseCode, SERIES, seriesOf } from './catalogue/index.js';
import { type CodeFacts, factsOf, OUTCOME_MEANINGS, SERIES_TITLES } from './docs/code-facts.js';
import type { Series } from './types.js';

const HELP = `portone-retry: PortOne status codes and what the SDK does with them

Usage:
  portone-retry explain <code|STATUS>...  what a code means: series, default outcome and why,
                                          error class, customer message
  portone-retry codes [--series <name>]   list the codes of PortOne's reference, or of one
                                          series: ${SERIES.join(', ')}
                                          (or by number: 1000, 2000, 4000…8000)
  portone-retry --help

Exit status: 0 when everything asked about is known, 1 otherwise.
`;

/** Where output goes: `out` for results, `err` for problems. */
export type CliWrite = (text: string, stream: 'out' | 'err') => void;

function describe(facts: CodeFacts): string {
  const errorClass =
    facts.errorClass === undefined
      ? '— (the call resolves)'
      : facts.series === 'pending'
        ? `${facts.errorClass} (only if it never settles)`
        : facts.errorClass;
  return [
    `${facts.code} ${facts.status ?? `(any ${String(facts.code)[0]}xxx code)`}`,
    `  series:           ${SERIES_TITLES[facts.series]}`,
    `  default outcome:  ${facts.outcome}: ${OUTCOME_MEANINGS[facts.outcome]}`,
    ...(facts.reason === undefined ? [] : [`  why:              ${facts.reason}`]),
    `  error class:      ${errorClass}`,
    `  customer message: ${facts.customerMessage ?? '— (nothing is shown to the customer)'}`,
  ].join('\n');
}

/** One query of `explain`: the text to print and whether the code is known. */
function explainOne(query: string): { text: string; known: boolean } {
  const code = parseCode(query);
  const rows =
    code === undefined
      ? CATALOGUE.filter((info) => info.status === query.trim().toUpperCase())
      : CATALOGUE.filter((info) => info.code === code);
  if (rows.length > 0)
    return { text: rows.map((info) => describe(factsOf(info))).join('\n\n'), known: true };
  if (code === undefined) {
    return { text: `${query} is not a status in PortOne's code reference.`, known: false };
  }
  const series = seriesOf(code);
  // PortOne documents the 1000 and 2000 series as a whole, without single codes.
  if ((series === 'pending' || series === 'success') && code < 3000) {
    return { text: describe(factsOf(code)), known: true };
  }
  if (code < 1000 || code > 8999 || (code >= 3000 && code < 4000)) {
    return {
      text: `${code} is not a PortOne status code (they run from 1000 to 8999).`,
      known: false,
    };
  }
  const facts = factsOf(code);
  return {
    text: `${code} is not in PortOne's code reference. An unlisted code takes its series' default: ${SERIES_TITLES[series]} → ${facts.outcome}, ${facts.errorClass ?? 'resolves'}.`,
    known: false,
  };
}

function seriesNamed(name: string | undefined): Series | undefined {
  if (name === undefined) return undefined;
  const code = parseCode(name);
  if (code !== undefined)
    return code % 1000 === 0 && code >= 1000 && code <= 8000 && code !== 3000
      ? seriesOf(code)
      : undefined;
  return SERIES.find((series) => series === name.trim().toLowerCase());
}

function listCodes(args: readonly string[], write: CliWrite): number {
  let series: Series | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const inline = arg.startsWith('--series=') ? arg.slice('--series='.length) : undefined;
    if (arg !== '--series' && inline === undefined) {
      write(`codes: unknown argument ${arg}\n\n${HELP}`, 'err');
      return 1;
    }
    const value = inline ?? args[++i];
    series = seriesNamed(value);
    if (series === undefined) {
      write(`--series must be one of ${SERIES.join(', ')} (or 1000, 2000, 4000…8000)\n`, 'err');
      return 1;
    }
  }
  const rows = CATALOGUE.filter((info) => series === undefined || info.series === series);
  if (rows.length === 0) {
    write(
      `PortOne's reference lists no single code in the ${SERIES_TITLES[series as Series]} series; see \`portone-retry explain ${series === 'pending' ? 1000 : 2000}\`.\n`,
      'out',
    );
    return 0;
  }
  const width = Math.max(...rows.map((info) => info.status.length));
  const lines = rows.map((info) => {
    const facts = factsOf(info);
    return `${info.code}  ${info.status.padEnd(width)}  ${facts.outcome.padEnd(7)}  ${facts.errorClass ?? '—'}`;
  });
  write(`${lines.join('\n')}\n`, 'out');
  return 0;
}

/** Runs the CLI with the arguments after the program name; returns the exit status. */
export function main(argv: readonly string[], write: CliWrite): number {
  const [command, ...rest] = argv;
  if (command === undefined) {
    write(HELP, 'err');
    return 1;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    write(HELP, 'out');
    return 0;
  }
  if (command === 'explain') {
    if (rest.length === 0) {
      write('explain needs a code or a status, e.g. `portone-retry explain 6014`\n', 'err');
      return 1;
    }
    let status = 0;
    rest.forEach((query, index) => {
      const { text, known } = explainOne(query);
      write(`${index === 0 ? '' : '\n'}${text}\n`, known ? 'out' : 'err');
      if (!known) status = 1;
    });
    return status;
  }
  if (command === 'codes') return listCodes(rest, write);
  write(`unknown command: ${command}\n\n${HELP}`, 'err');
  return 1;
}
