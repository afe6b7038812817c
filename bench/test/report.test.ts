/** The report a full run writes: the summary answers the three questions first, every table is whole. */
import { describe, expect, it } from 'vitest';
import type { CostRow } from '../cost.js';
import { type Results, renderReport } from '../report.js';

const s = (median: number) => ({ median, min: median - 1, max: median + 1 });
const row = (client: string, role: CostRow['role'], delta: number, ratio: number): CostRow => ({
  client,
  role,
  op: 'read',
  deltaCpuUs: s(delta),
  stubDeltaCpuUs: s(delta / 2),
  throughput: { 1: s(ratio), 16: s(ratio), 64: s(ratio) },
});

const results: Results = {
  run: '`pnpm bench`, finished 2026-12-06 05:00 in 300 s on a test machine',
  cost: {
    rows: [
      row('fetch', 'raw', 0, 1),
      row('fetch (A/A)', 'control', 0.5, 1),
      row('ky', 'peer', 20, 0.9),
      row('ours: createPortOneFetch', 'ours', 12, 0.95),
    ],
    memory: [{ client: 'ours: createPortOneFetch', bytesPerCall: 1400 }],
    imports: [
      { modules: '@portone-retry/core', ms: s(30) },
      { modules: '@portone-retry/axios-adapter + axios', ms: s(100) },
      { modules: 'axios', ms: s(92) },
    ],
  },
  transient: [
    {
      client: 'ours: createPortOneFetch',
      backoff: 'defaults',
      success: 1,
      createsPerCall: 1.4,
      requestsPerCall: 1.4,
      p50Ms: 3,
      p99Ms: 900,
    },
  ],
  outage: [
    {
      client: 'ours: createPortOneFetch (defaults: budget on)',
      byCalls: [
        { calls: 100, requestsPerCall: 3, p50FailMs: 1500 },
        { calls: 1000, requestsPerCall: 1.05, p50FailMs: 2 },
      ],
    },
    { client: 'ky, POST retried', byCalls: [{ calls: 100, requestsPerCall: 4, p50FailMs: 60 }] },
  ],
  money: [
    {
      client: 'ours: createPortOneFetch',
      backoff: 'defaults',
      simulator: 'dedupe',
      chargedTwice: 0,
      paidReportedFailed: 0,
      refundedTwice: 0,
      refundedReportedFailed: 0,
    },
  ],
  size: [
    {
      entry: 'createPortOneFetch',
      minBytes: 80_000,
      gzipBytes: 26_000,
      top: [{ input: 'packages/core/src/engine/', bytes: 16_000 }],
    },
    { entry: 'ky', minBytes: 14_000, gzipBytes: 5_000, top: [] },
  ],
};

describe('renderReport', () => {
  const markdown = renderReport(results);
  const summary = markdown.slice(0, markdown.indexOf('## 1.'));

  it('answers cost, faults and size before any table, each against its goal', () => {
    expect(summary).toContain('How much do we cost?');
    expect(summary).toContain(
      '+12.0 µs CPU per call vs its raw client on loopback (goal ≤ 10: **not met**), +6.0 µs without network',
    );
    expect(summary).toContain('0.950 / 0.950 / 0.950 of raw');
    expect(summary).toContain('1400 bytes per call in flight above raw (goal ≤ 2048: met)');
    expect(summary).toContain('@portone-retry/core: 30.0 ms (goal ≤ 25: **not met**)');
    expect(summary).toContain(
      "@portone-retry/axios-adapter + axios: 100.0 ms (+8.0 ms beside axios's own 92.0) (goal ≤ 25: met)",
    );
    expect(summary).toContain(
      '3.00 requests per call over the first 100 calls (goal ≤ 1.5: **not met**), 1.05 by 1000 (goal ≤ 1.1: met)',
    );
    expect(summary).toContain('How big are we?');
    expect(summary).toContain('25.4 kB min+gzip (goal ≤ 12: **not met**)');
    expect(summary).not.toContain('|');
  });

  it('writes every table with as many cells in each row as in its head', () => {
    const tables = markdown.split('\n\n').filter((block) => block.startsWith('|'));
    expect(tables.length).toBe(8);
    for (const block of tables) {
      const widths = block.split('\n').map((line) => line.split(' | ').length);
      expect(new Set(widths).size).toBe(1);
    }
  });

  it('leaves out the raw clients from the cost tables, and shows a checkpoint a client did not reach as —', () => {
    expect(markdown).not.toMatch(/^\| fetch \|/m);
    expect(markdown).toContain('| ky, POST retried | 4.00 (60) | — |');
  });

  it('says a cost figure within the A/A noise of its goal is not resolved; one beyond it is not met', () => {
    const withOurs = (delta: number) =>
      renderReport({
        ...results,
        cost: {
          ...results.cost,
          rows: results.cost.rows.map((r) => ({
            ...r,
            deltaCpuUs: s(r.role === 'ours' ? delta : 50),
          })),
        },
      });
    expect(withOurs(50)).toContain('(goal ≤ 10: not resolved: A/A noise 50.0 µs)');
    expect(withOurs(80)).toContain('on loopback (goal ≤ 10: **not met**)');
    expect(withOurs(80)).not.toContain('not resolved');
  });

  it('says a goal a quick run did not reach is not measured, rather than not met', () => {
    const [ours] = results.outage;
    const quick = renderReport({
      ...results,
      outage: [{ client: ours?.client ?? '', byCalls: ours?.byCalls.slice(0, 1) ?? [] }],
    });
    expect(quick).toContain('— by 1000 (goal ≤ 1.1: not measured in this run)');
  });
});
