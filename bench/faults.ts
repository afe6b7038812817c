import { runCreates } from './creates.js';
import { percentile, round, SIZES } from './lib.js';

export const FAULTS = {
  rate: 0.3,
  code: 5024,
  seed: 42,
  route: 'POST /api/initiatePayment',
} as const;

export interface FaultRow {
  readonly client: string;
  readonly ours: boolean;
  readonly calls: number;
  /** Share of calls that resolved, 0 to 1. */
  readonly successRate: number;
  /** Create requests the simulator saw per call (1 + retries). */
  readonly createsPerCall: number;
  /** All requests per call, status look-ups included. */
  readonly requestsPerCall: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly duplicates: number;
}

/**
 * Section 2: 30 % of creates answer 5024 PSP_COMMUNICATION_ERROR (HTTP 500, nothing created).
 * Every client gets its own simulator with the same seed, so the same fault sequence.
 */
export async function runFaults(): Promise<FaultRow[]> {
  const runs = await runCreates({
    label: 'fault',
    simulator: {},
    faults: FAULTS,
    ...SIZES.faults,
    only: (client) => !client.outageOnly,
  });
  return runs.map((run) => ({
    client: run.client,
    ours: run.ours,
    calls: run.calls,
    successRate: round(run.loop.ok / run.calls, 4),
    createsPerCall: round(run.creates / run.calls, 3),
    requestsPerCall: round(run.requests / run.calls, 3),
    p50Ms: round(percentile(run.loop.latencies, 50), 2),
    p99Ms: round(percentile(run.loop.latencies, 99), 2),
    duplicates: run.duplicates,
  }));
}
