import { runCreates } from './creates.js';
import { round, SIZES } from './lib.js';

/** "Process the payment, then drop the connection": the caller cannot tell whether it went through. */
export const AMBIGUOUS = { rate: 0.3, code: 'reset-after', seed: 9 } as const;

export interface AmbiguousRow {
  readonly client: string;
  readonly ours: boolean;
  readonly calls: number;
  /** Calls that resolved: the merchant knows the payment went through. */
  readonly completed: number;
  /** Payments the simulator created in all. */
  readonly payments: number;
  /** Orders charged twice (or more): `ledger.duplicates().length`. */
  readonly duplicates: number;
  /** Orders paid for whose call still failed: the merchant lost track of a real payment. */
  readonly paidButFailed: number;
  readonly requestsPerCall: number;
}

/**
 * Section 4: the simulator runs with `dedupe: false`, so a blind re-send of a create creates a
 * second payment (real PortOne refuses it with 4002; this shows what blind retries would do
 * without that guard). 30 % of creates are processed and then the connection is dropped.
 */
export async function runAmbiguous(): Promise<AmbiguousRow[]> {
  const runs = await runCreates({
    label: 'ambiguous',
    simulator: { dedupe: false },
    faults: AMBIGUOUS,
    ...SIZES.ambiguous,
    only: (client) => !client.outageOnly,
  });
  return runs.map((run) => ({
    client: run.client,
    ours: run.ours,
    calls: run.calls,
    completed: run.loop.ok,
    payments: run.payments,
    duplicates: run.duplicates,
    paidButFailed: run.orders - run.loop.ok,
    requestsPerCall: round(run.requests / run.calls, 3),
  }));
}
