import { createHook } from 'node:async_hooks';
import v8 from 'node:v8';

/**
 * V8's tier-up budget for the bench's threads: a quarter of Node 20's default (67584), so that
 * TurboFan optimises a function after a quarter of the bytecode run.
 */
export const INTERRUPT_BUDGET = 16_384;

/**
 * Lets the bench's threads reach, within their warm-up, the steady state a checkout backend is
 * in after its first minutes: every hot function optimised. A fresh thread warmed up with a
 * thousand requests is not there yet, and a client with more code is further from it (our
 * engine's probe ÷ the least hand-written layer, side by side at concurrency 16: 0.946 after 1000
 * warm-up requests, 1.000 after 30 000, 0.995 after 1000 with this budget). V8 flags are the
 * process's, so this is set once, before any worker starts, for every client alike. Returns the
 * flag set, or undefined when `--default-tiering` asks for V8's defaults.
 */
export function steadyStateTiering(
  argv: readonly string[] = process.argv,
  setFlags: (flags: string) => void = v8.setFlagsFromString,
): string | undefined {
  if (argv.includes('--default-tiering')) return undefined;
  const flag = `--interrupt-budget=${INTERRUPT_BUDGET}`;
  setFlags(flag);
  return flag;
}

/** `pnpm bench --quick`: small counts, under a minute. */
export const QUICK = process.argv.includes('--quick');

/**
 * Sizes of every section. Each request loop is bounded by a count and a time limit (`capMs`), and
 * each section by a time budget (`budgetMs`) shared out between its loops, so the whole run is
 * bounded: quick under a minute, full about eighteen (the watchdog in run.ts ends it at twenty-five).
 */
export const SIZES = QUICK
  ? {
      overhead: {
        requests: 150,
        rounds: 10,
        blocks: 1,
        warmup: 300,
        concurrency: [16],
        capMs: 1500,
        budgetMs: 5000,
        pairBlocks: 1,
        pairRoundsPerBlock: 3,
        pairWindowMs: 200,
        pairBudgetMs: 15_000, // per concurrency
        pairWarmup: 300,
        pairAloneTurns: 0,
        // No profiles: threads warmed up as briefly as here are far from their steady state.
        profileWindowMs: 0,
        profileIntervalUs: 250,
        // Only the pairs a user compares (the target's and the peers'): under a minute.
        pairReferences: false,
      },
      faults: { calls: 150, concurrency: 8, capMs: 4000, budgetMs: 10_000 },
      outage: { calls: 1000, concurrency: 32, capMs: 15_000, budgetMs: 30_000 },
      ambiguous: { calls: 150, concurrency: 8, capMs: 4000, budgetMs: 8000 },
      pure: { timeMs: 150, batch: 100 },
    }
  : {
      overhead: {
        requests: 250,
        rounds: 30,
        blocks: 2,
        warmup: 1000,
        concurrency: [1, 16, 64],
        capMs: 4000,
        budgetMs: 60_000,
        // Fresh threads differ by about ±4 % for as long as they live (a pair of two identical
        // clients shows it): many short blocks resolve more than a few long ones. Five blocks of
        // all eight pairs, each with a pair of turns alone, fit the budget; the two pairs the
        // target is set for race side by side in up to ten blocks more, so the figures the
        // target is read from resolve finer than five blocks do (about ±3 %).
        pairBlocks: 5,
        pairTargetBlocks: 15,
        pairRoundsPerBlock: 3,
        pairWindowMs: 300,
        pairBudgetMs: 300_000, // per concurrency
        pairWarmup: 1000,
        pairAloneTurns: 1,
        pairReferences: true,
        // Each of ours and its raw client alone under V8's sampling profiler (see attribution.ts).
        profileWindowMs: 2000,
        profileIntervalUs: 250,
      },
      faults: { calls: 600, concurrency: 8, capMs: 20_000, budgetMs: 40_000 },
      outage: { calls: 2000, concurrency: 32, capMs: 30_000, budgetMs: 60_000 },
      ambiguous: { calls: 600, concurrency: 8, capMs: 20_000, budgetMs: 40_000 },
      pure: { timeMs: 1000, batch: 100 },
    };

/** A section's time budget, shared out between the loops still to run. */
export class TimeBudget {
  private readonly end: number;
  constructor(ms: number) {
    this.end = performance.now() + ms;
  }
  get leftMs(): number {
    return Math.max(0, this.end - performance.now());
  }
  /** The time limit of the next of `loopsLeft` loops: its share of what is left, at most `capMs`. */
  share(loopsLeft: number, capMs: number): number {
    return Math.max(100, Math.min(capMs, this.leftMs / Math.max(1, loopsLeft)));
  }
}

/** Outcome of one bounded request loop. */
export interface LoopResult {
  /** Requests that resolved. */
  ok: number;
  /** Requests that rejected. */
  failed: number;
  /** Requests not started because the time limit passed first. */
  skipped: number;
  /** Latency of every finished request, ms, sorted ascending. */
  latencies: number[];
  /** Wall time of the whole loop, ms. */
  elapsedMs: number;
}

/** A promise that rejects after `ms` (the bench's hard stop), and the function that disarms it. */
function giveUpAfter(ms: number): { giveUp: Promise<never>; clear: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('bench time limit')), ms);
  });
  giveUp.catch(() => {});
  return { giveUp, clear: () => clearTimeout(timer) };
}

/**
 * Runs `task(i)` for i = 0..count-1 with `concurrency` workers. No request starts after
 * `timeLimitMs`, and the loop stops waiting for requests still in flight 5 s later, so it always
 * ends. (No AbortSignal is handed to the clients: undici's fetch leaves its listener on a shared
 * signal until garbage collection, which would slow the raw clients and not ours.)
 */
export async function runBounded(options: {
  count: number;
  concurrency: number;
  timeLimitMs: number;
  task: (i: number) => Promise<unknown>;
}): Promise<LoopResult> {
  const { count, concurrency, timeLimitMs, task } = options;
  const start = performance.now();
  const stopAt = start + timeLimitMs;
  const { giveUp, clear } = giveUpAfter(timeLimitMs + 5000);
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count && performance.now() < stopAt) {
      const i = next++;
      const t0 = performance.now();
      try {
        await Promise.race([task(i), giveUp]);
        ok++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    clear();
  }
  latencies.sort((a, b) => a - b);
  return { ok, failed, skipped: count - next, latencies, elapsedMs: performance.now() - start };
}

/** Slots of a stream's shared counters (an Int32Array over a SharedArrayBuffer). */
export const STREAM_OK = 0;
export const STREAM_FAILED = 1;
export const STREAM_STOP = 2;
export const STREAM_SLOTS = 3;

/**
 * Runs `task` with `concurrency` workers until `counters[STREAM_STOP]` is set, counting every
 * request that ends in `counters` as it ends, so another thread can read how many were done by
 * any moment. Stops starting requests `timeLimitMs` after it began, whatever happens, and stops
 * waiting for requests still in flight 5 s after that (the bench's bound).
 */
export async function runStream(options: {
  concurrency: number;
  timeLimitMs: number;
  counters: Int32Array;
  task: () => Promise<unknown>;
}): Promise<void> {
  const { concurrency, timeLimitMs, counters, task } = options;
  const stopAt = performance.now() + timeLimitMs;
  const { giveUp, clear } = giveUpAfter(timeLimitMs + 5000);
  const worker = async () => {
    while (Atomics.load(counters, STREAM_STOP) === 0 && performance.now() < stopAt) {
      try {
        await task();
        Atomics.add(counters, STREAM_OK, 1);
      } catch {
        Atomics.add(counters, STREAM_FAILED, 1);
      }
    }
  };
  try {
    await Promise.race([Promise.all(Array.from({ length: concurrency }, worker)), giveUp]);
  } finally {
    clear();
  }
}

/** The p-th percentile (0..100) of ascending values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Rounds to `digits` decimals, for tables and JSON. */
export const round = (value: number, digits = 2): number =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;

/** A JSON body of initiatePayment with a unique merchant order ref. */
export function createBody(ref: string): Record<string, unknown> {
  return {
    merchant_order_id: ref,
    amount: 1000,
    currency: 'THB',
    description: 'bench',
    source_url: 'https://shop.example/checkout',
  };
}

/** Creates the payment a happy-path read looks up by `ref`, on the simulator at `baseUrl`. */
export async function createPaymentToRead(baseUrl: string, ref: string): Promise<void> {
  const created = await fetch(`${baseUrl}/api/initiatePayment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(createBody(ref)),
  });
  if (!created.ok) throw new Error(`could not create the payment to read: ${created.status}`);
  await created.json();
}

/** Logs progress to stderr, so stdout stays the report. */
export const progress = (line: string): void => {
  process.stderr.write(`  … ${line}\n`);
};

/**
 * Promises created per call of `call`, counted with an async hook: the fewest over `runs` runs of
 * `calls` calls, after one warm-up call. Deterministic where timings are not: every promise is an
 * allocation and a hop of the microtask queue (and, in an app with AsyncLocalStorage or tracing,
 * a hook call).
 */
export async function promisesPerCall(
  call: () => Promise<unknown>,
  { calls = 20, runs = 3 }: { calls?: number; runs?: number } = {},
): Promise<number> {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') count++;
    },
  });
  await call();
  let fewest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    count = 0;
    hook.enable();
    try {
      for (let i = 0; i < calls; i++) await call();
    } finally {
      hook.disable();
    }
    fewest = Math.min(fewest, count / calls);
  }
  return fewest;
}
