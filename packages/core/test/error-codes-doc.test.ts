import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorCodesMarkdown } from '../src/docs/error-codes-table.js';
import {
  CATALOGUE,
  createPortOneError,
  DEFAULT_CUSTOMER_MESSAGES,
  GENERIC_DECLINE_MESSAGE,
} from './support/internals.js';

const markdown = renderErrorCodesMarkdown();

/** The cells of the code table's row for a catalogue entry. */
function rowOf(code: number, status: string): string[] {
  const row = markdown.split('\n').find((line) => line.startsWith(`| ${code} | ${status} |`));
  if (row === undefined) throw new Error(`no row for ${code} ${status}`);
  return row
    .slice(2, -2)
    .split(/ (?<!\\)\| /)
    .map((text) => text.replace(/\\\|/g, '|'));
}

describe('docs/error-codes.md', () => {
  it('is up to date with the catalogue (run `pnpm docs:codes` when this fails)', () => {
    const committed = readFileSync(
      new URL('../../../docs/error-codes.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(markdown);
  });

  it('has one row per catalogue entry, 4081 twice', () => {
    const rows = markdown.split('\n').filter((line) => /^\| \d{4} \| [A-Z0-9_]+ \|/.test(line));
    expect(rows).toHaveLength(CATALOGUE.length);
    expect(rows.filter((line) => line.startsWith('| 4081 |'))).toHaveLength(2);
  });

  it.each(CATALOGUE.map((info) => [info.code, info.status, info] as const))(
    '%i %s: series, outcome, error class, customer message and reason',
    (code, status, info) => {
      const [, , series, outcome, errorClass, customerMessage, reason] = rowOf(code, status);
      expect(series).toMatch(new RegExp(`^${Math.floor(code / 1000)}000 `));
      expect(outcome).toBe(info.outcome);
      const thrown = createPortOneError(
        { kind: 'error', series: info.series, code, status, info, ambiguous: false },
        { attempts: 1 },
      );
      expect(errorClass).toBe(thrown.name);
      const expected =
        DEFAULT_CUSTOMER_MESSAGES[code] ?? (info.series === 'card' ? GENERIC_DECLINE_MESSAGE : '—');
      expect(customerMessage).toBe(expected);
      expect(reason).toBe(info.reason ?? '—');
    },
  );

  it('gives each series its default, the 1000 and 2000 series included', () => {
    expect(markdown).toMatch(
      /\| 1000 pending \| poll \| PortOnePendingTimeoutError \(if it never settles\) \|/,
    );
    expect(markdown).toMatch(/\| 2000 success \| succeed \| — \(resolves\) \|/);
    expect(markdown).toContain(
      `| 6000 bank/card | surface | PortOneCardError | ${GENERIC_DECLINE_MESSAGE} |`,
    );
  });
});
