import { runCreates } from './creates.js';
import { percentile, round, SIZES } from './lib.js';

export const OUTAGE = { rate: 1, code: 5000 } as const;

export interface OutageRow {
  readonly client: string;
  readonly ours: boolean;
  readonly calls: number;
  readonly failed: number;
  /** Create requests sent ÷ calls made: the retry amplification on PortOne's create endpoint. */
  readonly createAmplification: number;
  /** Every request sent (status look-ups included) ÷ calls made. */
  readonly requestAmplification: number;
  /** How long a caller waits for the failure, p50 (ms). */
  readonly p50Ms: number;
}

/** Section 3: every create answers 5000 PAYMENT_SYSTEM_ERROR (HTTP 500). */
export async function runOutage(): Promise<OutageRow[]> {
  const runs = await runCreates({
    label: 'outage',
    simulator: {},
    faults: OUTAGE,
    ...SIZES.outage,
  });
  return runs.map((run) => ({
    client: run.client,
    ours: run.ours,
    calls: run.calls,
    failed: run.loop.failed + run.loop.skipped,
    createAmplification: round(run.creates / run.calls, 2),
    requestAmplification: round(run.requests / run.calls, 2),
    p50Ms: round(percentile(run.loop.latencies, 50), 2),
  }));
}
