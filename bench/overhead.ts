import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { seededRandom } from '@portone-retry/testing';
import { build } from 'esbuild';
import {
  type AttributionRow,
  type ProfileAnswer,
  type ProfilingThread,
  runAttribution,
} from './attribution.js';
import type { BatchRequest, ClientWorkerData, StreamRequest } from './client-worker.js';
import { type HappyClient, happyClients, underTarget } from './clients.js';
import {
  createPaymentToRead,
  type LoopResult,
  median,
  percentile,
  progress,
  round,
  SIZES,
  STREAM_FAILED,
  STREAM_OK,
  STREAM_SLOTS,
  STREAM_STOP,
} from './lib.js';

/** One client at one concurrency: medians over the rounds. */
export interface OverheadRow {
  readonly concurrency: number;
  readonly client: string;
  readonly baseline: string | undefined;
  readonly ours: boolean;
  /** One of ours with a non-default option: shown for its cost, not held to the target. */
  readonly option: boolean;
  /** A reference point (the raw client against itself, a minimal wrapper), not a peer. */
  readonly reference: boolean;
  /** Requests per second over all rounds (requests ÷ time spent in this client's batches). */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Requests that failed, over all rounds (0 expected). */
  readonly failed: number;
  /** Requests not started because a batch reached its time limit. */
  readonly cut: number;
  /** Rounds run (fewer than asked when the section's time budget ran out). */
  readonly rounds: number;
  /** Median over rounds of this client's req/s ÷ its raw client's req/s in the same round. */
  readonly ratio: number | undefined;
  /** The middle half of the rounds' ratios (25th and 75th percentiles): how much they scatter. */
  readonly ratioIqr: readonly [number, number] | undefined;
  readonly roundsRps: number[];
  /** Side by side with its raw client (both at once, sharing the clients' core); see sideBySide. */
  readonly pair: PairResult | undefined;
}

/** One client run side by side with its raw client, over rounds. */
export interface PairResult {
  /** Median over rounds of this client's req/s ÷ the raw client's, both running at once. */
  readonly ratio: number;
  /** 25th and 75th percentiles of the rounds' ratios. */
  readonly iqr: readonly [number, number];
  readonly rounds: number;
  /** Requests that failed, both clients, over all rounds (0 expected). */
  readonly failed: number;
  readonly ratios: number[];
  /**
   * The median of each block's rounds, in block order. Fresh threads differ for their whole
   * life, so how far these spread is what the pair's result can resolve.
   */
  readonly blockMedians: number[];
  /**
   * Where the median over rounds could as well have landed, given how the blocks spread: the
   * 90 % interval of `blockInterval` (absent with fewer than two blocks).
   */
  readonly interval?: readonly [number, number];
  /**
   * Median over rounds of the raw client's CPU time per request ÷ this client's, from each
   * thread's time on the CPU (Linux); absent where that cannot be read.
   */
  readonly cpuRatio?: number;
  /** Median over rounds of this client's share of the two threads' CPU time. */
  readonly cpuShare?: number;
  /** The same threads, each alone on the clients' core in turn (see `aloneInTurns`). */
  readonly alone?: AloneResult;
}

/** A pair's two threads, each requesting alone in turn: medians over the turns' pairs. */
export interface AloneResult {
  /** Median over pairs of turns of this client's req/s ÷ the raw client's. */
  readonly ratio: number;
  readonly iqr: readonly [number, number];
  /** Pairs of turns (one turn each), over all blocks. */
  readonly pairs: number;
  /** The median of each block's pairs: the spread between fresh threads. */
  readonly blockMedians: number[];
  /** Median over pairs of the raw client's CPU time per request ÷ this client's. */
  readonly cpuRatio?: number;
}

/**
 * How far the median over a pair's rounds can land, from its blocks alone: the `level` interval
 * (e.g. 0.9: the 5th to 95th percentile) of the median over rounds when the blocks are drawn
 * again with replacement, `resamples` times (a seeded draw: the same blocks give the same
 * interval). Blocks are drawn whole, never rounds: the rounds of one pair of fresh threads share
 * that pair's luck, so resampling them one by one would claim a resolution the run does not have.
 * Undefined with fewer than two blocks.
 */
export function blockInterval(
  blocks: ReadonlyArray<readonly number[]>,
  { level = 0.9, resamples = 2000, seed = 1 } = {},
): readonly [number, number] | undefined {
  const filled = blocks.filter((block) => block.length > 0);
  if (filled.length < 2) return undefined;
  const random = seededRandom(seed);
  const medians: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const drawn: number[] = [];
    for (let b = 0; b < filled.length; b++) {
      drawn.push(...filled[Math.floor(random() * filled.length)]!);
    }
    medians.push(median(drawn));
  }
  medians.sort((x, y) => x - y);
  const tail = ((1 - level) / 2) * 100;
  return [percentile(medians, tail), percentile(medians, 100 - tail)];
}

/** The CPU figures of a pair, from its rounds' readings (none where nothing could be read). */
function cpuFigures(ratios: number[], shares: number[]): { cpuRatio?: number; cpuShare?: number } {
  if (ratios.length === 0) return {};
  return { cpuRatio: round(median(ratios), 3), cpuShare: round(median(shares), 3) };
}

/** A pair's figures alone in turns (none where no turn ran). */
function aloneFigures(turns: { ratios: number[]; cpu: number[]; blocks: number[] }): {
  alone?: AloneResult;
} {
  if (turns.ratios.length === 0) return {};
  const sorted = [...turns.ratios].sort((x, y) => x - y);
  return {
    alone: {
      ratio: round(percentile(sorted, 50), 3),
      iqr: [round(percentile(sorted, 25), 3), round(percentile(sorted, 75), 3)],
      pairs: sorted.length,
      blockMedians: turns.blocks,
      ...(turns.cpu.length > 0 ? { cpuRatio: round(median(turns.cpu), 3) } : {}),
    },
  };
}

/** Pins `pid` (all its threads) to `cpus` with taskset; false where that cannot be done. */
function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * startSimulator() in a process of its own (see sim-process.ts), loaded through tsx. On Linux with
 * two cores or more, the simulator gets the last core and the bench the others, so the server's
 * work never competes with the clients' for a core.
 */
export async function startSimulatorProcess(): Promise<{
  url: string;
  keepAliveRaised: boolean;
  pinned: string | undefined;
  close: () => Promise<void>;
}> {
  const child = fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const { url, keepAliveRaised } = await new Promise<{ url: string; keepAliveRaised: number }>(
    (resolve, reject) => {
      child.once('message', resolve as (message: unknown) => void);
      child.once('error', reject);
      void exited.then((code) => reject(new Error(`simulator process exited with ${code}`)));
    },
  );
  const cores = availableParallelism();
  const pinned =
    process.platform === 'linux' &&
    cores >= 2 &&
    child.pid !== undefined &&
    pin(child.pid, String(cores - 1)) &&
    pin(process.pid, cores === 2 ? '0' : `0-${cores - 2}`)
      ? `clients on core${cores === 2 ? ' 0' : `s 0–${cores - 2}`}, simulator on core ${cores - 1}`
      : undefined;
  return {
    url,
    keepAliveRaised: keepAliveRaised > 0,
    pinned,
    close: async () => {
      child.send('close');
      const kill = setTimeout(() => child.kill(), 3000);
      await exited;
      clearTimeout(kill);
      // The bench's other sections share the machine as usual.
      if (pinned !== undefined) pin(process.pid, `0-${cores - 1}`);
    },
  };
}

/** A happy-path client running in its own worker thread (see client-worker.ts). */
export interface ClientThread {
  readonly batch: (request: BatchRequest) => Promise<LoopResult>;
  /** Starts requesting without pause (see `runStream`); resolves once the thread has stopped. */
  readonly stream: (request: StreamRequest['stream']) => Promise<void>;
  readonly close: () => Promise<void>;
  /** The thread's time on the CPU so far, in ns; undefined where it cannot be read. */
  readonly cpuNs?: () => number | undefined;
}

/**
 * A thread's time on the CPU so far, in ns, from Linux's schedstat (the first field); undefined
 * where there is none.
 */
export function threadCpuNs(tid: number | undefined): number | undefined {
  if (tid === undefined) return undefined;
  try {
    const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns : undefined;
  } catch {
    return undefined;
  }
}

/** How long a side-by-side race runs, for one concurrency. */
export interface PairSizes {
  readonly pairBlocks: number;
  readonly pairRoundsPerBlock: number;
  readonly pairWindowMs: number;
  /** Time for all the pairs' blocks at one concurrency. */
  readonly pairBudgetMs: number;
  readonly pairWarmup: number;
  readonly capMs: number;
  /** How long both threads run before the first window opens (default 200 ms). */
  readonly pairSettleMs?: number;
  /**
   * Pairs of turns per block in which each thread requests alone for one window (0 or absent:
   * none). See `aloneInTurns`.
   */
  readonly pairAloneTurns?: number;
  /**
   * Blocks for the pairs the target is set for (ours, default options), when more than
   * `pairBlocks`: the blocks beyond race those pairs side by side only (no turns alone), so
   * the figures the target is read from resolve finer without the run taking as much longer.
   */
  readonly pairTargetBlocks?: number;
}

let workerEntry: Promise<string> | undefined;

/**
 * client-worker.ts bundled once per run (its packages left as imports, so they load from their
 * built dist as before): a thread then starts from plain JavaScript, where compiling the
 * TypeScript again in every new thread took most of a second.
 */
function bundledWorker(): Promise<string> {
  workerEntry ??= (async () => {
    const outfile = fileURLToPath(new URL('./.cache/client-worker.mjs', import.meta.url));
    await build({
      entryPoints: [fileURLToPath(new URL('./client-worker.ts', import.meta.url))],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return workerEntry;
}

export async function startClientThread(
  data: ClientWorkerData,
): Promise<ClientThread & ProfilingThread> {
  const worker = new Worker(await bundledWorker(), { workerData: data });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`client thread exited with ${code}`));
      worker.once('message', (message) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        resolve(message);
      });
      worker.once('error', reject);
      worker.once('exit', onExit);
    });
  const { tid } = (await next()) as { tid?: number };
  return {
    cpuNs: () => threadCpuNs(tid),
    batch: async (request) => {
      const result = next();
      worker.postMessage(request);
      return (await result) as LoopResult;
    },
    stream: async (stream) => {
      const stopped = next();
      worker.postMessage({ stream });
      await stopped;
    },
    profile: async (profile) => {
      const answer = next();
      worker.postMessage({ profile });
      return (await answer) as ProfileAnswer;
    },
    close: async () => {
      worker.postMessage('close');
      const kill = setTimeout(() => void worker.terminate(), 3000);
      await exited;
      clearTimeout(kill);
    },
  };
}

const rpsOf = (r: LoopResult): number => (r.ok / r.elapsedMs) * 1000;

/**
 * Section 1: successful GETs of a transaction's status through each client, at each concurrency.
 * Clients take turns within a round (the order rotates every round), in short batches over many
 * rounds; the ratio to the raw client is the median of the rounds' ratios, so drift in the
 * machine's speed hits every client alike.
 */
export async function runOverhead(): Promise<{
  rows: OverheadRow[];
  attribution: AttributionRow[];
  keepAliveMs: number;
  pinned: string | undefined;
}> {
  const size = SIZES.overhead;
  const sim = await startSimulatorProcess();
  const threads = new Map<string, ClientThread>();
  try {
    const ref = 'bench-happy-path';
    await createPaymentToRead(sim.url, ref);

    const clients = happyClients(sim.url, ref);
    /** Fresh threads for every client, warmed up: a new heap, JIT and connection pool each. */
    const startThreads = async () => {
      for (const client of clients) {
        const thread = await startClientThread({ baseUrl: sim.url, ref, client: client.name });
        threads.set(client.name, thread);
        await thread.batch({ count: size.warmup, concurrency: 16, timeLimitMs: 4 * size.capMs });
      }
    };
    const closeThreads = async () => {
      for (const thread of threads.values()) await thread.close();
      threads.clear();
    };

    const rows: OverheadRow[] = [];
    for (const concurrency of size.concurrency) {
      // Each concurrency gets an equal share of the budget (the side-by-side rounds have their
      // own); a round starts only if it should fit.
      const levelEnd = performance.now() + size.budgetMs / size.concurrency.length;
      const results = new Map<string, LoopResult[]>(clients.map((c) => [c.name, []]));
      let lastRoundMs = 0;
      // The rounds run in blocks, each on fresh threads: how V8 optimises a client varies from
      // one isolate to the next, and the blocks spread that over the result.
      const perBlock = Math.ceil(size.rounds / size.blocks);
      for (let r = 0; r < size.rounds; r++) {
        if (r > 0 && performance.now() + lastRoundMs > levelEnd) break;
        // With one block (quick mode) the threads started once serve every concurrency.
        if (r % perBlock === 0 && (size.blocks > 1 || threads.size === 0)) {
          await closeThreads();
          progress(
            `overhead: concurrency ${concurrency}, rounds ${r + 1}–${Math.min(r + perBlock, size.rounds)} of ${size.rounds} (fresh threads)`,
          );
          await startThreads();
        }
        const roundStart = performance.now();
        for (let k = 0; k < clients.length; k++) {
          const client = clients[(k + r) % clients.length]!;
          const result = await threads.get(client.name)!.batch({
            count: size.requests,
            concurrency,
            timeLimitMs: size.capMs,
          });
          results.get(client.name)!.push(result);
        }
        lastRoundMs = performance.now() - roundStart;
      }
      // The pairs run on threads of their own, with no idle client threads beside them.
      await closeThreads();
      // The rows marked reference or option race too, unless the run is a quick one.
      const racing = size.pairReferences
        ? clients
        : clients.filter((c) => c.reference !== true && c.option !== true);
      const pairs = await sideBySide(racing, concurrency, (client) =>
        startClientThread({ baseUrl: sim.url, ref, client: client.name }),
      );
      for (const client of clients) {
        const mine = results.get(client.name)!;
        const base = client.baseline === undefined ? undefined : results.get(client.baseline)!;
        // Short batches, many rounds: the machine's drift is slow next to one round, so a
        // client and its raw client meet the same machine within a round. Latencies are pooled.
        const latencies = mine.flatMap((m) => m.latencies).sort((a, b) => a - b);
        const ok = mine.reduce((sum, m) => sum + m.ok, 0);
        const elapsedMs = mine.reduce((sum, m) => sum + m.elapsedMs, 0);
        const ratios = base?.map((b, i) => rpsOf(mine[i]!) / rpsOf(b)).sort((x, y) => x - y);
        rows.push({
          concurrency,
          client: client.name,
          baseline: client.baseline,
          ours: client.ours === true,
          option: client.option === true,
          reference: client.reference === true,
          rps: round((ok / elapsedMs) * 1000, 0),
          p50Ms: round(percentile(latencies, 50), 3),
          p99Ms: round(percentile(latencies, 99), 3),
          failed: mine.reduce((sum, m) => sum + m.failed, 0),
          cut: mine.reduce((sum, m) => sum + m.skipped, 0),
          rounds: mine.length,
          ratio: ratios === undefined ? undefined : round(percentile(ratios, 50), 3),
          ratioIqr:
            ratios === undefined
              ? undefined
              : [round(percentile(ratios, 25), 3), round(percentile(ratios, 75), 3)],
          roundsRps: mine.map((m) => round(rpsOf(m), 0)),
          pair: pairs.get(client.name),
        });
      }
    }
    // Last, each of ours and its raw client alone under the profiler, on the same core.
    const attribution =
      size.profileWindowMs <= 0
        ? []
        : await runAttribution(
            clients,
            {
              concurrency: size.concurrency,
              warmup: size.pairWarmup,
              windowMs: size.profileWindowMs,
              intervalUs: size.profileIntervalUs,
            },
            (client) => startClientThread({ baseUrl: sim.url, ref, client: client.name }),
          );
    return {
      rows,
      attribution,
      keepAliveMs: sim.keepAliveRaised ? 5000 : 1000,
      pinned: sim.pinned,
    };
  } finally {
    for (const thread of threads.values()) await thread.close();
    await sim.close();
  }
}

/** How long both threads of a pair run before the first window opens: every worker busy. */
const SETTLE_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the windows of `raceInWindows` open, how long each is, and how many there are. */
interface Windows {
  /** How long the threads run before the first window opens: every worker busy by then. */
  readonly settleMs: number;
  readonly windowMs: number;
  readonly count: number;
}

/**
 * Threads (two side by side, or one alone) request without pause, together, and the requests
 * each completed are read from shared counters at the edges of back-to-back windows: the counts
 * of a window cover the same wall-clock interval, with every thread at full concurrency all
 * through it (no thread starts late or drains alone at the end). Gives each window's counts (one
 * per thread, in the threads' order), its length as measured, each thread's time on the CPU in
 * it, and the failures. Every thread has finished its requests in flight when it resolves.
 */
async function raceInWindows(
  threads: readonly ClientThread[],
  concurrency: number,
  windows: Windows,
): Promise<{
  rounds: number[][];
  /** Each window's length in ms, from the clock (a timer may fire late on a busy core). */
  elapsedMs: number[];
  /** Each window's time on the CPU of every thread, in ns, where it could be read. */
  cpu: (number[] | undefined)[];
  failures: number;
}> {
  const counters = threads.map(
    () => new Int32Array(new SharedArrayBuffer(STREAM_SLOTS * Int32Array.BYTES_PER_ELEMENT)),
  );
  const timeLimitMs = windows.settleMs + windows.count * windows.windowMs + 10_000;
  const stopped = threads.map((thread, i) =>
    thread.stream({ concurrency, timeLimitMs, counters: counters[i]! }),
  );
  const done = (counts: Int32Array) => Atomics.load(counts, STREAM_OK);
  const cpuNow = () => threads.map((thread) => thread.cpuNs?.());
  const rounds: number[][] = [];
  const elapsedMs: number[] = [];
  const cpu: (number[] | undefined)[] = [];
  try {
    await sleep(windows.settleMs);
    let before = counters.map(done);
    let cpuBefore = cpuNow();
    let opened = performance.now();
    for (let r = 0; r < windows.count; r++) {
      await sleep(windows.windowMs);
      const after = counters.map(done);
      const cpuAfter = cpuNow();
      const closed = performance.now();
      rounds.push(after.map((count, i) => count - before[i]!));
      elapsedMs.push(closed - opened);
      cpu.push(
        [...cpuBefore, ...cpuAfter].includes(undefined)
          ? undefined
          : cpuAfter.map((ns, i) => ns! - cpuBefore[i]!),
      );
      before = after;
      cpuBefore = cpuAfter;
      opened = closed;
    }
  } finally {
    for (const counts of counters) Atomics.store(counts, STREAM_STOP, 1);
    await Promise.all(stopped);
  }
  const failures = counters.reduce((sum, counts) => sum + Atomics.load(counts, STREAM_FAILED), 0);
  return { rounds, elapsedMs, cpu, failures };
}

/** How long a thread requests alone before its window opens: every worker busy by then. */
const ALONE_SETTLE_MS = 100;

/** One thread alone for one window: requests completed per second and CPU time per request. */
async function turnAlone(
  thread: ClientThread,
  concurrency: number,
  windowMs: number,
  settleMs: number,
): Promise<{ rps: number; cpuNsPerRequest: number | undefined; failed: number }> {
  const { rounds, elapsedMs, cpu, failures } = await raceInWindows([thread], concurrency, {
    settleMs,
    windowMs,
    count: 1,
  });
  const count = rounds[0]![0]!;
  const ns = cpu[0]?.[0];
  return {
    rps: (count / elapsedMs[0]!) * 1000,
    cpuNsPerRequest: ns !== undefined && count > 0 ? ns / count : undefined,
    failed: failures,
  };
}

/**
 * The same two threads as a side-by-side block, each requesting alone on the clients' core in
 * turn, one window each, in the order raw, client, client, raw, raw, …, so a drift of the machine's
 * speed hits both alike. A turn's pair gives this client's req/s ÷ the raw client's, and what a
 * request cost each in CPU time. Side by side, two threads share the core and take turns on it
 * every few milliseconds, each evicting the other's code and data from the CPU's caches; alone,
 * each keeps them, as a client in an application of its own does. The two figures from the same
 * threads say how much of a gap is that sharing.
 */
async function aloneInTurns(
  raw: ClientThread,
  mine: ClientThread,
  concurrency: number,
  turns: number,
  windowMs: number,
  settleMs: number,
): Promise<{ ratios: number[]; cpuRatios: number[]; failures: number }> {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  let failures = 0;
  for (let t = 0; t < turns; t++) {
    const order: [ClientThread, ClientThread] = t % 2 === 0 ? [raw, mine] : [mine, raw];
    const first = await turnAlone(order[0], concurrency, windowMs, settleMs);
    const second = await turnAlone(order[1], concurrency, windowMs, settleMs);
    const [rawTurn, myTurn] = t % 2 === 0 ? [first, second] : [second, first];
    failures += rawTurn.failed + myTurn.failed;
    if (rawTurn.rps > 0) ratios.push(myTurn.rps / rawTurn.rps);
    if (rawTurn.cpuNsPerRequest !== undefined && myTurn.cpuNsPerRequest !== undefined) {
      cpuRatios.push(rawTurn.cpuNsPerRequest / myTurn.cpuNsPerRequest);
    }
  }
  return { ratios, cpuRatios, failures };
}

/**
 * Each client side by side with its raw client: both request at once, without pause, sharing the
 * clients' core (the simulator has its own), so whatever the machine does it does to both, and
 * the ratio of the requests they complete in the same windows is the ratio of what a request
 * costs each of them (see `raceInWindows`). Run in turns, a client and its raw client meet a
 * machine whose speed swings by a factor of two within seconds on a shared VM; side by side, that
 * swing cancels.
 *
 * What does not cancel within one pair of threads is how V8 happened to optimise each of them:
 * two threads running the same client can differ by several percent for as long as they live.
 * So every pair runs in blocks, each on two fresh threads of its own (nothing else running),
 * warmed up together, and the ratio is the median over the rounds of all blocks. Which thread is
 * made first, and starts first, alternates from block to block.
 */
export async function sideBySide(
  clients: readonly HappyClient[],
  concurrency: number,
  startThread: (client: HappyClient) => Promise<ClientThread>,
  /** Section 1's sizes, or others (bench:pair's). */
  size: PairSizes = SIZES.overhead,
): Promise<Map<string, PairResult>> {
  const byName = new Map(clients.map((c) => [c.name, c]));
  const paired = clients.filter((c) => c.baseline !== undefined);
  const blockRounds = new Map<string, number[][]>(paired.map((c) => [c.name, []]));
  const failed = new Map<string, number>(paired.map((c) => [c.name, 0]));
  const cpuRatios = new Map<string, number[]>(paired.map((c) => [c.name, []]));
  const cpuShares = new Map<string, number[]>(paired.map((c) => [c.name, []]));
  const turns = size.pairAloneTurns ?? 0;
  const alone = new Map(
    paired.map((c) => [
      c.name,
      { ratios: [] as number[], cpu: [] as number[], blocks: [] as number[] },
    ]),
  );
  const end = performance.now() + size.pairBudgetMs;
  const warmup: BatchRequest = {
    count: size.pairWarmup,
    concurrency: 16,
    timeLimitMs: 4 * size.capMs,
  };
  const targeted = paired.filter(underTarget);
  const blocks = Math.max(size.pairBlocks, targeted.length > 0 ? (size.pairTargetBlocks ?? 0) : 0);
  // What one pair took in the last block: a block's length is guessed from it.
  let lastPairMs = 0;
  for (let block = 0; block < blocks; block++) {
    // Past the common blocks, only the pairs under the target race, and only side by side.
    const common = block < size.pairBlocks;
    const racing = common ? paired : targeted;
    // Every pair in a block gets it whole: a block starts only if all of it should fit (a
    // block beyond the common ones is guessed at a common block's pace, with turns, so longer).
    if (block > 0 && performance.now() + lastPairMs * racing.length > end) break;
    progress(
      `overhead: concurrency ${concurrency}, side by side, block ${block + 1} of ${blocks} (fresh threads per pair${common ? '' : '; the pairs under the target'})`,
    );
    const blockStart = performance.now();
    for (let k = 0; k < racing.length; k++) {
      const client = racing[(k + block) % racing.length]!;
      const raw = byName.get(client.baseline!)!;
      const rawFirst = block % 2 === 0;
      // Both threads load at once (each its own packages); which is made first alternates.
      const started = await Promise.allSettled([
        startThread(rawFirst ? raw : client),
        startThread(rawFirst ? client : raw),
      ]);
      const live = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        const [first, second] = live as [ClientThread, ClientThread];
        const [rawThread, mine] = rawFirst ? [first, second] : [second, first];
        await Promise.all([rawThread.batch(warmup), mine.batch(warmup)]);
        const { rounds, cpu, failures } = await raceInWindows(
          rawFirst ? [rawThread, mine] : [mine, rawThread],
          concurrency,
          {
            settleMs: size.pairSettleMs ?? SETTLE_MS,
            windowMs: size.pairWindowMs,
            count: size.pairRoundsPerBlock,
          },
        );
        // Counted in the order the threads were started in: put the raw client's first.
        const block: number[] = [];
        rounds.forEach(([first = 0, second = 0], r) => {
          const [rawCount, count] = rawFirst ? [first, second] : [second, first];
          if (rawCount > 0) block.push(count / rawCount);
          const times = cpu[r];
          if (times === undefined) return;
          const [rawNs = 0, ns = 0] = rawFirst ? times : [times[1], times[0]];
          if (rawCount > 0 && count > 0 && rawNs > 0 && ns > 0) {
            cpuRatios.get(client.name)!.push(rawNs / rawCount / (ns / count));
            cpuShares.get(client.name)!.push(ns / (ns + rawNs));
          }
        });
        if (block.length > 0) blockRounds.get(client.name)!.push(block);
        failed.set(client.name, failed.get(client.name)! + failures);
        if (turns > 0 && common) {
          const turned = await aloneInTurns(
            rawThread,
            mine,
            concurrency,
            turns,
            size.pairWindowMs,
            size.pairSettleMs ?? ALONE_SETTLE_MS,
          );
          const mineAlone = alone.get(client.name)!;
          mineAlone.ratios.push(...turned.ratios);
          mineAlone.cpu.push(...turned.cpuRatios);
          if (turned.ratios.length > 0) mineAlone.blocks.push(round(median(turned.ratios), 3));
          failed.set(client.name, failed.get(client.name)! + turned.failures);
        }
      } finally {
        // A thread that started is closed even when the other never did.
        for (const thread of live) await thread.close();
      }
    }
    lastPairMs = (performance.now() - blockStart) / racing.length;
  }
  return new Map(
    paired.map((client) => {
      const blocks = blockRounds.get(client.name)!;
      const mine = blocks.flat();
      const sorted = [...mine].sort((x, y) => x - y);
      const interval = blockInterval(blocks);
      return [
        client.name,
        {
          ratio: round(percentile(sorted, 50), 3),
          iqr: [round(percentile(sorted, 25), 3), round(percentile(sorted, 75), 3)] as const,
          rounds: mine.length,
          failed: failed.get(client.name)!,
          ratios: mine.map((x) => round(x, 3)),
          blockMedians: blocks.map((block) => round(median(block), 3)),
          ...(interval === undefined
            ? {}
            : { interval: [round(interval[0], 3), round(interval[1], 3)] as const }),
          ...cpuFigures(cpuRatios.get(client.name)!, cpuShares.get(client.name)!),
          ...aloneFigures(alone.get(client.name)!),
        },
      ];
    }),
  );
}
