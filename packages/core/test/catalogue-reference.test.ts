import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './support/internals.js';

// The reference lives beside the repository (<repo>/../shared); the package never reads it at run
// time, so the check is skipped, visibly, where the file is not there.
const reference = fileURLToPath(
  new URL('../../../../shared/portone-error-codes.md', import.meta.url),
);
const present = existsSync(reference);
if (!present) console.warn(`catalogue-reference: skipped, ${reference} is absent`);

/** Every table row of the reference whose first cell is a code, as `[code, status]`. */
function referenceRows(markdown: string): Array<[number, string]> {
  const rows: Array<[number, string]> = [];
  for (const line of markdown.split('\n')) {
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
    if (cells.length < 2 || !/^\d+$/.test(cells[0] ?? '')) continue;
    rows.push([Number(cells[0]), (cells[1] ?? '').replace(/\\_/g, '_')]);
  }
  return rows;
}

const key = ([code, status]: readonly [number, string]) => `${code} ${status}`;

describe('catalogue against the PortOne reference', () => {
  const rows = present ? referenceRows(readFileSync(reference, 'utf8')) : [];
  const catalogue = CATALOGUE.map((info) => [info.code, info.status] as [number, string]);

  it.skipIf(!present)('reads every code row of the reference', () => {
    expect(rows.length).toBeGreaterThan(100);
    for (const [code, status] of rows) {
      expect(code, status).toBeGreaterThanOrEqual(1000);
      expect(code, status).toBeLessThanOrEqual(8999);
      expect(status, String(code)).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });

  it.skipIf(!present)('has no row the reference lacks and lacks no row it has', () => {
    const ours = new Set(catalogue.map(key));
    const theirs = new Set(rows.map(key));
    expect(
      rows.map(key).filter((row) => !ours.has(row)),
      'missing or misspelled',
    ).toEqual([]);
    expect(
      catalogue.map(key).filter((row) => !theirs.has(row)),
      'extra or misspelled',
    ).toEqual([]);
  });

  it.skipIf(!present)('matches the reference row for row, in its order', () => {
    expect(catalogue).toEqual(rows);
  });

  it.skipIf(!present)('keeps both rows of 4081, as the reference does', () => {
    const both = ['PARTIAL_REFUND_NOT_ALLOWED', 'ROLE_NOT_ALLOWED'];
    expect(rows.filter(([code]) => code === 4081).map(([, status]) => status)).toEqual(both);
    expect(CATALOGUE.filter((info) => info.code === 4081).map((info) => info.status)).toEqual(both);
  });
});
