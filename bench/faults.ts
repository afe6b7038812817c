/**
 * Sections 2–4: what each retrying client does to PortOne and to the merchant's money when
 * things go wrong. Every client gets a fresh simulator with the same seeded faults, and the
 * simulator counts what it saw: requests (status lookups included), creates, payments.
 */
import { type FaultOptions, type Simulator, startSimulator } from '@portone-retry/testing';
import { DEFAULT_CLIENTS, ourFetch, type RetryClient, SAME_BACKOFF_CLIENTS } from './clients.js';
import { CREATE_PATH, createBody, percentile, progress, refundPath, runCalls } from './lib.js';

const CREATES = `POST ${CREATE_PATH}`;

export interface FaultSizes {
  readonly calls: number;
  readonly concurrency: number;
  /** Outage checkpoints: calls one engine has seen (the last is the run's length). */
  readonly checkpoints: readonly number[];
  readonly limitMs: number;
  /** Clients side by side, not one after another: quicker, times rougher (quick runs). */
  readonly sideBySide?: boolean;
}

export type Backoff = 'defaults' | 'same';
/** Every client twice: with its own defaults, and with the same backoff as every other. */
export type Backoffs = readonly (readonly [Backoff, readonly RetryClient[]])[];
export const BACKOFFS: Backoffs = [
  ['defaults', DEFAULT_CLIENTS],
  ['same', SAME_BACKOFF_CLIENTS],
];

/** Runs `run` against a fresh simulator, closed afterwards whatever happens. */
async function withSimulator<T>(
  options: Parameters<typeof startSimulator>[0],
  run: (sim: Simulator) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator({ validate: false, ...options });
  try {
    return await run(sim);
  } finally {
    await sim.close();
  }
}

/**
 * Every (backoff, client) pair, one after another (times to success are backoff and network, so
 * no run may starve another of the CPU), or side by side when `sizes` says so.
 */
async function eachClient<T>(
  sizes: FaultSizes,
  backoffs: Backoffs,
  run: (backoff: Backoff, client: RetryClient) => Promise<T>,
): Promise<T[]> {
  const pairs = backoffs.flatMap(([backoff, clients]) => clients.map((c) => [backoff, c] as const));
  if (sizes.sideBySide) return Promise.all(pairs.map(([backoff, client]) => run(backoff, client)));
  const rows: T[] = [];
  for (const [backoff, client] of pairs) rows.push(await run(backoff, client));
  return rows;
}

const TRANSIENT: FaultOptions = { rate: 0.3, code: 5024, seed: 42, route: CREATES };

/** Section 2: 30 % of creates answer 5024 (PSP communication error, HTTP 500, nothing created). */
export function runTransient(sizes: FaultSizes, backoffs = BACKOFFS) {
  progress('transient faults');
  return eachClient(sizes, backoffs, (backoff, client) =>
    withSimulator({ faults: TRANSIENT }, async (sim) => {
      const { post } = client.make(sim.url);
      const task = (i: number) => post(CREATE_PATH, createBody(`t-${i}`));
      const { okMs } = await runCalls({ ...sizes, to: sizes.calls, task });
      return {
        client: client.name,
        backoff,
        success: okMs.length / sizes.calls,
        createsPerCall: sim.requests(CREATES) / sizes.calls,
        requestsPerCall: sim.requests() / sizes.calls,
        // Time to success of the calls that succeeded.
        p50Ms: percentile(okMs, 50),
        p99Ms: percentile(okMs, 99),
      };
    }),
  );
}
export type TransientRow = Awaited<ReturnType<typeof runTransient>>[number];

/** The clients of the outage: ours as shipped (budget and breaker on), and with either off. */
export const OUTAGE_CLIENTS: readonly RetryClient[] = [
  ourFetch('ours: createPortOneFetch (defaults: budget and breaker on)'),
  ourFetch('ours: breaker off', { breaker: false }),
  ourFetch('ours: budget and breaker off', { budget: false, breaker: false }),
  ...SAME_BACKOFF_CLIENTS.filter((c) => !c.ours),
];

export interface OutageRow {
  readonly client: string;
  /** Requests per call over the first `calls` calls, lookups counted. */
  readonly byCalls: readonly { calls: number; requestsPerCall: number; p50FailMs: number }[];
}

/**
 * Section 3: every create answers 5000 (HTTP 500). One client (one engine) makes calls, 32 in
 * flight, in stretches that end at each checkpoint, so "requests per call over the first N
 * calls" counts every request of exactly those N calls.
 */
export function runOutage(sizes: FaultSizes, clients = OUTAGE_CLIENTS): Promise<OutageRow[]> {
  progress('outage');
  return eachClient(sizes, [['defaults', clients]], (_, client) =>
    withSimulator({ faults: { rate: 1, code: 5000, route: CREATES } }, async (sim) => {
      const started = performance.now();
      const { post } = client.make(sim.url);
      const task = (i: number) => post(CREATE_PATH, createBody(`o-${i}`));
      const byCalls: OutageRow['byCalls'][number][] = [];
      let from = 0;
      for (const to of sizes.checkpoints) {
        // A client too slow to reach a checkpoint in its time stops short of it (shown as —).
        if (performance.now() - started > sizes.limitMs) break;
        const loop = await runCalls({ ...sizes, from, to, concurrency: 32, task });
        // Cut short by the time limit: the calls not started would skew the figure.
        if (loop.okMs.length + loop.failures.length < to - from) break;
        const requestsPerCall = sim.requests() / to;
        const previous = byCalls.at(-1)?.requestsPerCall ?? Number.NaN;
        byCalls.push({ calls: to, requestsPerCall, p50FailMs: percentile(loop.failedMs, 50) });
        from = to;
        // The same figure at two checkpoints in a row: the client keeps no memory of the
        // outage, and more calls would only take time.
        if (Math.abs(previous - requestsPerCall) < 0.005) break;
      }
      return { client: client.name, byCalls };
    }),
  );
}

const AMBIGUOUS: FaultOptions = { rate: 0.3, code: 'reset-after', seed: 9 };

/**
 * Section 4: 30 % of creates, then of refunds, are processed and then the connection drops, so
 * the caller cannot tell whether money moved. Creates run against a simulator that refuses a
 * repeated order ref with 4002 (as PortOne does) and against one that creates again; refunds
 * (which PortOne does not deduplicate) run against the payments just created.
 */
export async function runAmbiguous(sizes: FaultSizes, backoffs = BACKOFFS) {
  progress('ambiguous creates and refunds');
  const pairs = await eachClient(sizes, backoffs, async (backoff, client) => {
    const run = (dedupe: boolean) => ambiguousRun(client, backoff, dedupe, sizes);
    return sizes.sideBySide
      ? Promise.all([run(true), run(false)])
      : [await run(true), await run(false)];
  });
  return pairs.flat();
}
export type MoneyRow = Awaited<ReturnType<typeof runAmbiguous>>[number];

function ambiguousRun(client: RetryClient, backoff: Backoff, dedupe: boolean, sizes: FaultSizes) {
  return withSimulator({ dedupe }, async (sim) => {
    const { post } = client.make(sim.url);
    const ref = (i: number) => `a-${i}`;
    sim.setFaults({ ...AMBIGUOUS, route: CREATES });
    const createTask = (i: number) => post(CREATE_PATH, createBody(ref(i)));
    const creates = await runCalls({ ...sizes, to: sizes.calls, task: createTask });
    const paid = (i: number) => sim.ledger.count(ref(i)) > 0;
    // Refund every order that was paid, whatever its call said.
    sim.setFaults({ ...AMBIGUOUS, route: 'POST /api/refund/*' });
    const refundable = Array.from({ length: sizes.calls }, (_, i) => i).filter(paid);
    const orderOf = (k: number) => refundable[k] as number;
    const refundTask = (k: number) => post(refundPath(ref(orderOf(k))), { refund_amount: 1000 });
    const refunds = await runCalls({ ...sizes, to: refundable.length, task: refundTask });
    const refunded = (i: number) => sim.ledger.get(ref(i))?.refunded ?? 0;
    return {
      client: client.name,
      backoff,
      /** `dedupe`: the simulator refuses a repeated order ref with 4002, as PortOne does. */
      simulator: dedupe ? 'dedupe' : 'no dedupe',
      /** Orders with two payments or more. */
      chargedTwice: sim.ledger.duplicates().length,
      /** Orders paid whose call still failed: the merchant lost track of a real payment. */
      paidReportedFailed: creates.failures.filter(paid).length,
      refundedTwice: refundable.filter((i) => refunded(i) > 1000).length,
      refundedReportedFailed: refunds.failures.filter((k) => refunded(orderOf(k)) > 0).length,
    };
  });
}
