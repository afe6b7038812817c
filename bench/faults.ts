/**
 * Sections 2–4: what each retrying client does to PortOne and to the merchant's money when
 * things go wrong. Every client gets a fresh simulator with the same seeded faults, and the
 * simulator counts what it saw: requests (status lookups included), creates, payments.
 */
import type { EngineOptions } from '@portone-retry/core';
import { type Simulator, type StartSimulatorOptions, startSimulator } from '@portone-retry/testing';
import { CLIENTS, type Client, type Http, ourFetch } from './clients.js';
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

/** A client and the backoff it runs with: its own defaults, or `SAME` for every client. */
export type Run = readonly [backoff: 'defaults' | 'same', client: Client];

const RETRYING = (['ours', 'peer'] as const).flatMap((role) =>
  CLIENTS.filter((c) => c.role === role),
);
const noRetry = { ...(CLIENTS.find((c) => c.name === 'fetch') as Client), name: 'fetch, no retry' };
/** Ours and the peers with their defaults (and fetch, which never retries), then the same backoff. */
export const RUNS: readonly Run[] = [
  ...[...RETRYING, noRetry].map((c) => ['defaults', c] as const),
  ...RETRYING.map((c) => ['same', c] as const),
];

const ours = (name: string, options: EngineOptions): Run => [
  'defaults',
  { name, raw: 'fetch', role: 'ours', make: (t) => ourFetch(t, options) },
];
/** The outage's clients: ours as shipped, with the breaker or both off; the peers retrying POSTs. */
export const OUTAGE_RUNS: readonly Run[] = [
  ours('ours: createPortOneFetch (defaults: budget and breaker on)', {}),
  ours('ours: breaker off', { breaker: false }),
  ours('ours: budget and breaker off', { budget: false, breaker: false }),
  ...RETRYING.filter((c) => c.role === 'peer').map((c) => ['same', c] as const),
];

/**
 * `run(item)` for every item, one after another (times to success are backoff and network, so
 * no run may starve another of the CPU), or side by side when `sizes` says so.
 */
async function each<I, T>(sizes: FaultSizes, items: readonly I[], run: (item: I) => Promise<T>) {
  if (sizes.sideBySide) return Promise.all(items.map(run));
  const rows: T[] = [];
  for (const item of items) rows.push(await run(item));
  return rows;
}

/** Runs `run` with the client's POST against a fresh simulator, closed afterwards. */
async function withSimulator<T>(
  options: StartSimulatorOptions,
  [backoff, client]: Run,
  run: (sim: Simulator, post: Http['post']) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator({ validate: false, ...options });
  try {
    return await run(sim, client.make({ baseUrl: sim.url, fetch }, backoff === 'same').post);
  } finally {
    await sim.close();
  }
}

/** Section 2: 30 % of creates answer 5024 (PSP communication error, HTTP 500, nothing created). */
export function runTransient(sizes: FaultSizes, runs = RUNS) {
  progress('transient faults');
  const faults = { rate: 0.3, code: 5024, seed: 42, route: CREATES };
  return each(sizes, runs, (run) =>
    withSimulator({ faults }, run, async (sim, post) => {
      const loop = await runCalls({ ...sizes, to: sizes.calls }, (i) =>
        post(CREATE_PATH, createBody(`t-${i}`)),
      );
      return {
        client: run[1].name,
        backoff: run[0],
        success: loop.okMs.length / sizes.calls,
        createsPerCall: sim.requests(CREATES) / sizes.calls,
        requestsPerCall: sim.requests() / sizes.calls,
        // Time to success of the calls that succeeded.
        p50Ms: percentile(loop.okMs, 50),
        p99Ms: percentile(loop.okMs, 99),
      };
    }),
  );
}

/**
 * Section 3: every create answers 5000 (HTTP 500). One client (one engine) makes calls, 32 in
 * flight, in stretches that end at each checkpoint, so "requests per call over the first N
 * calls" counts every request of exactly those N calls.
 */
export function runOutage(sizes: FaultSizes, runs = OUTAGE_RUNS) {
  progress('outage');
  return each(sizes, runs, (run) =>
    withSimulator({ faults: { rate: 1, code: 5000, route: CREATES } }, run, async (sim, post) => {
      const started = performance.now();
      const byCalls: { calls: number; requestsPerCall: number; p50FailMs: number }[] = [];
      let from = 0;
      for (const to of sizes.checkpoints) {
        // A client too slow to reach a checkpoint in its time stops short of it (shown as —).
        if (performance.now() - started > sizes.limitMs) break;
        const options = { ...sizes, from, to, concurrency: 32 };
        const loop = await runCalls(options, (i) => post(CREATE_PATH, createBody(`o-${i}`)));
        // Cut short by the time limit: the calls not started would skew the figure.
        if (loop.okMs.length + loop.failures.length < to - from) break;
        const requestsPerCall = sim.requests() / to;
        const unchanged =
          Math.abs((byCalls.at(-1)?.requestsPerCall ?? Number.NaN) - requestsPerCall) < 0.005;
        byCalls.push({ calls: to, requestsPerCall, p50FailMs: percentile(loop.failedMs, 50) });
        from = to;
        // The same at two checkpoints in a row: the client keeps no memory of the outage, and
        // more calls would only take time.
        if (unchanged) break;
      }
      return { client: run[1].name, byCalls };
    }),
  );
}

const AMBIGUOUS = { rate: 0.3, code: 'reset-after', seed: 9 } as const;

/**
 * Section 4: 30 % of creates, then of refunds, are processed and then the connection drops, so
 * the caller cannot tell whether money moved. Creates run against a simulator that refuses a
 * repeated order ref with 4002 (as PortOne does) and against one that creates again; refunds
 * (which PortOne does not deduplicate) run against the payments just created.
 */
export async function runAmbiguous(sizes: FaultSizes, runs = RUNS) {
  progress('ambiguous creates and refunds');
  const rows = await each(sizes, runs, (run) =>
    each(sizes, [true, false], (dedupe) =>
      withSimulator({ dedupe }, run, async (sim, post) => {
        const ref = (i: number) => `a-${i}`;
        sim.setFaults({ ...AMBIGUOUS, route: CREATES });
        const creates = await runCalls({ ...sizes, to: sizes.calls }, (i) =>
          post(CREATE_PATH, createBody(ref(i))),
        );
        const paid = (i: number) => sim.ledger.count(ref(i)) > 0;
        // Refund every order that was paid, whatever its call said.
        sim.setFaults({ ...AMBIGUOUS, route: 'POST /api/refund/*' });
        const refundable = Array.from({ length: sizes.calls }, (_, i) => i).filter(paid);
        const refunds = await runCalls({ ...sizes, to: refundable.length }, (k) =>
          post(refundPath(ref(refundable[k] as number)), { refund_amount: 1000 }),
        );
        const refunded = (i: number) => sim.ledger.get(ref(i))?.refunded ?? 0;
        return {
          client: run[1].name,
          backoff: run[0],
          simulator: dedupe ? 'dedupe' : 'no dedupe',
          // Orders with two payments or more; orders paid whose call failed (a payment lost track of).
          chargedTwice: sim.ledger.duplicates().length,
          paidReportedFailed: creates.failures.filter(paid).length,
          refundedTwice: refundable.filter((i) => refunded(i) > 1000).length,
          refundedReportedFailed: refunds.failures
            .map((k) => refundable[k] as number)
            .filter((i) => refunded(i) > 0).length,
        };
      }),
    ),
  );
  return rows.flat();
}

export type TransientRow = Awaited<ReturnType<typeof runTransient>>[number];
export type OutageRow = Awaited<ReturnType<typeof runOutage>>[number];
export type MoneyRow = Awaited<ReturnType<typeof runAmbiguous>>[number];
