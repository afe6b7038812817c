import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/index.js';

// The reference lives beside the repository (../shared); the package never reads it at run time.
const reference = fileURLToPath(
  new URL('../../../../shared/portone-error-codes.md', import.meta.url),
);
const present = existsSync(reference);
if (!present) console.warn(`catalogue check skipped: ${reference} is absent`);

describe.skipIf(!present)('catalogue against PortOne reference', () => {
  const rows = present
    ? [...readFileSync(reference, 'utf8').matchAll(/^\| (\d{4}) \| ([A-Z0-9\\_]+) \|$/gm)].map(
        (m) => [Number(m[1]), (m[2] ?? '').replace(/\\_/g, '_')] as const,
      )
    : [];

  it('reads the reference table', () => {
    expect(rows.length).toBeGreaterThan(100);
  });

  it('matches the reference row for row: nothing missing, extra or misspelled', () => {
    expect(CATALOGUE.map((info) => [info.code, info.status])).toEqual(rows.map(([c, s]) => [c, s]));
  });

  it('keeps both rows of 4081', () => {
    expect(CATALOGUE.filter((info) => info.code === 4081).map((info) => info.status)).toEqual([
      'PARTIAL_REFUND_NOT_ALLOWED',
      'ROLE_NOT_ALLOWED',
    ]);
  });
});
