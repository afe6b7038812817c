/**
 * Sections 2–4 in a tiny configuration with a few clients: each runs every client against its
 * own simulator and hands back one row per client with figures a reader can check by hand.
 */
import { describe, expect, it } from 'vitest';
import { OUTAGE_RUNS, RUNS, type Run, runAmbiguous, runOutage, runTransient } from '../faults.js';

const SIZES = { calls: 12, concurrency: 12, checkpoints: [6, 12], limitMs: 8000 };
const pick = (runs: readonly Run[], ...wanted: string[]) =>
  runs.filter(([backoff, client]) => wanted.includes(`${backoff}: ${client.name}`));
const FEW = pick(
  RUNS,
  'defaults: ours: createPortOneFetch',
  'defaults: fetch, no retry',
  'same: ours: withPortOne(axios)',
  'same: axios + axios-retry',
);

describe('a tiny bench run', () => {
  it('transient faults: ours succeeds by retrying; no retry sends one create per call and fails some', async () => {
    const rows = await runTransient(SIZES, FEW);
    expect(rows.map((r) => `${r.backoff}: ${r.client}`)).toEqual(
      FEW.map(([backoff, client]) => `${backoff}: ${client.name}`),
    );
    const noRetry = rows.find((r) => r.client === 'fetch, no retry');
    expect(noRetry?.createsPerCall).toBe(1);
    expect(noRetry?.success).toBeLessThan(1);
    for (const ours of rows.filter((r) => r.client.startsWith('ours'))) {
      expect(ours.success).toBe(1);
      expect(ours.createsPerCall).toBeGreaterThan(1);
    }
  }, 20_000);

  it('outage: requests per call at every checkpoint; a peer retrying 3 times sends 4', async () => {
    const runs = [OUTAGE_RUNS[0] as Run, ...pick(OUTAGE_RUNS, 'same: axios + axios-retry')];
    const rows = await runOutage(SIZES, runs);
    for (const row of rows) expect(row.byCalls.map((b) => b.calls)).toEqual([6, 12]);
    expect(rows[1]?.byCalls.map((b) => b.requestsPerCall)).toEqual([4, 4]);
    expect(rows[0]?.byCalls[0]?.requestsPerCall).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('ambiguous creates and refunds: ours loses no order; a blind POST retry charges twice without 4002', async () => {
    const rows = await runAmbiguous({ ...SIZES, calls: 10, concurrency: 10 }, FEW);
    expect(rows).toHaveLength(8);
    for (const ours of rows.filter((r) => r.client.startsWith('ours'))) {
      expect([ours.chargedTwice, ours.paidReportedFailed, ours.refundedTwice]).toEqual([0, 0, 0]);
    }
    const blind = rows.find(
      (r) =>
        r.simulator === 'no dedupe' && r.backoff === 'same' && r.client === 'axios + axios-retry',
    );
    expect(blind?.chargedTwice).toBeGreaterThan(0);
  }, 20_000);
});
