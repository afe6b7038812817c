import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HappyClient } from '../clients.js';
import { type LoopResult, STREAM_FAILED, STREAM_OK, STREAM_STOP } from '../lib.js';
import { type ClientThread, type PairSizes, sideBySide, threadCpuNs } from '../overhead.js';

const client = (name: string, baseline?: string): HappyClient => ({
  name,
  ...(baseline === undefined ? {} : { baseline }),
  get: async () => undefined,
});

const clients = [client('raw'), client('wrapped', 'raw'), client('other', 'raw')];

const T0 = performance.now();
/** Streams in progress: one timer sets all their counts from one clock, so they stay in step. */
const streams = new Set<{
  counters: Int32Array;
  rps: number;
  stop: () => void;
  /** The thread's time on the CPU, set from the same clock as its count. */
  cpu: { ns: number; rate: number };
}>();
let ticker: ReturnType<typeof setInterval> | undefined;
function tick(): void {
  const elapsed = performance.now() - T0;
  for (const stream of streams) {
    Atomics.store(stream.counters, STREAM_OK, Math.floor((stream.rps * elapsed) / 1000));
    stream.cpu.ns = Math.floor(stream.cpu.rate * elapsed * 1e6);
    if (Atomics.load(stream.counters, STREAM_STOP) === 1) {
      streams.delete(stream);
      stream.stop();
    }
  }
}

/** A thread that completes `rps` requests a second while it streams; it logs what it is asked. */
function fakeThread(id: string, name: string, rps: number, log: string[]): ClientThread {
  const cpu = { ns: 0, rate: CPU_RATE[name] ?? 0 };
  return {
    // 'other' runs where a thread's CPU time cannot be read.
    ...(name === 'other' ? {} : { cpuNs: () => cpu.ns }),
    batch: async (request) => {
      log.push(`${request.count === SIZE.pairWarmup ? 'warm' : 'batch'} ${id}`);
      await Promise.resolve();
      const result: LoopResult = {
        ok: request.count,
        failed: 0,
        skipped: 0,
        latencies: [],
        elapsedMs: 1,
      };
      return result;
    },
    stream: ({ counters, concurrency }) => {
      log.push(`stream ${id} ${concurrency}`);
      if (name === 'other') Atomics.add(counters, STREAM_FAILED, 1);
      return new Promise<void>((resolve) => {
        streams.add({ counters, rps, stop: resolve, cpu });
      });
    },
    close: async () => {
      log.push(`close ${id}`);
    },
  };
}

/** Makes a fake thread per call, named `client#n` in the order made; all log to one list. */
function freshThreads() {
  const log: string[] = [];
  const made: string[] = [];
  const startThread = async (c: HappyClient) => {
    const id = `${c.name}#${made.length}`;
    made.push(id);
    return fakeThread(id, c.name, RPS[c.name]!, log);
  };
  return { log, made, startThread };
}

const RPS: Record<string, number> = { raw: 100_000, wrapped: 90_000, other: 50_000 };
/** ms on the CPU per ms of clock while streaming: 'wrapped' gets more of the core than 'raw'. */
const CPU_RATE: Record<string, number> = { raw: 0.5, wrapped: 0.6 };
const SIZE: PairSizes = {
  pairBlocks: 2,
  pairRoundsPerBlock: 3,
  pairWindowMs: 30,
  pairSettleMs: 10,
  pairBudgetMs: 60_000,
  pairWarmup: 100,
  capMs: 1000,
};

beforeAll(() => {
  ticker = setInterval(tick, 1);
});
afterAll(() => {
  clearInterval(ticker);
});

describe('sideBySide', () => {
  it('races every client with its raw client in shared windows, on fresh threads per block, alternating who goes first', async () => {
    const { log, made, startThread } = freshThreads();
    const results = await sideBySide(clients, 16, startThread, SIZE);
    const { pairBlocks, pairRoundsPerBlock } = SIZE;

    expect([...results.keys()]).toEqual(['wrapped', 'other']);
    const wrapped = results.get('wrapped')!;
    // Both counts of a window come from the same interval: the ratio is the rates' ratio.
    expect(wrapped.ratio).toBeCloseTo(0.9, 2);
    expect(wrapped.rounds).toBe(pairBlocks * pairRoundsPerBlock);
    for (const ratio of wrapped.ratios) expect(ratio).toBeCloseTo(0.9, 2);
    expect(wrapped.blockMedians).toHaveLength(pairBlocks);
    for (const ratio of wrapped.blockMedians) expect(ratio).toBeCloseTo(0.9, 2);
    // Blocks that agree leave the median nowhere else to land.
    expect(wrapped.interval![0]).toBeCloseTo(0.9, 2);
    expect(wrapped.interval![1]).toBeCloseTo(0.9, 2);
    // Each thread's CPU time is read at the same edges: 'wrapped' completes 0.9 as many requests
    // with 1.2 times the CPU time: raw's CPU time per request ÷ its is 0.9 ÷ 1.2.
    expect(wrapped.cpuRatio).toBeCloseTo(0.9 / 1.2, 2);
    expect(wrapped.cpuShare).toBeCloseTo(0.6 / 1.1, 2);
    expect(results.get('other')!.ratio).toBeCloseTo(0.5, 2);
    // Where a thread's CPU time cannot be read, the pair has no CPU figures.
    expect(results.get('other')!.cpuRatio).toBeUndefined();
    expect(results.get('other')!.cpuShare).toBeUndefined();
    // One failure counted per stream of 'other' (its thread adds one each time it streams).
    expect(results.get('other')!.failed).toBe(pairBlocks);
    expect(streams.size).toBe(0);

    // Two fresh threads per pair and block; the raw one is made first in even blocks.
    expect(made).toHaveLength(2 * 2 * pairBlocks);
    for (let i = 0; i < made.length; i += 2) {
      const block = Math.floor(i / 4);
      const rawFirst = made[i]!.startsWith('raw#');
      expect(rawFirst).toBe(block % 2 === 0);
      expect(made.slice(i, i + 2).some((id) => id.startsWith('raw#'))).toBe(true);
    }

    // Each pair: both threads warmed up, then both streaming at the concurrency (the thread made
    // first starts first), then both closed.
    for (let i = 0; i < made.length; i += 2) {
      const [a, b] = [made[i]!, made[i + 1]!];
      const mine = log.filter((line) => line.includes(` ${a}`) || line.includes(` ${b}`));
      expect(mine.slice(0, 2).sort()).toEqual([`warm ${a}`, `warm ${b}`].sort());
      expect(mine.slice(2, 4)).toEqual([`stream ${a} 16`, `stream ${b} 16`]);
      expect(mine.slice(-2).sort()).toEqual([`close ${a}`, `close ${b}`].sort());
      expect(mine).toHaveLength(6);
    }
  });
});

describe('sideBySide, with turns alone', () => {
  it('also runs the same two threads alone in turns (raw, client, client, raw) and gives their ratios', async () => {
    const { log, made, startThread } = freshThreads();
    const size: PairSizes = { ...SIZE, pairAloneTurns: 2 };
    const results = await sideBySide(clients, 16, startThread, size);
    const { pairBlocks, pairRoundsPerBlock } = SIZE;

    const wrapped = results.get('wrapped')!;
    // The side-by-side figures are as without turns.
    expect(wrapped.ratio).toBeCloseTo(0.9, 2);
    expect(wrapped.rounds).toBe(pairBlocks * pairRoundsPerBlock);
    const alone = wrapped.alone!;
    // Each turn's rate is its own window's count ÷ its time: the ratio is the rates' ratio.
    expect(alone.ratio).toBeCloseTo(0.9, 1);
    expect(alone.pairs).toBe(pairBlocks * 2);
    expect(alone.blockMedians).toHaveLength(pairBlocks);
    // raw's CPU time per request ÷ wrapped's: 0.5 / 100 000 ÷ (0.6 / 90 000).
    expect(alone.cpuRatio).toBeCloseTo(0.9 / 1.2, 1);
    expect(results.get('other')!.alone!.ratio).toBeCloseTo(0.5, 1);
    expect(results.get('other')!.alone!.cpuRatio).toBeUndefined();
    // 'other' fails once per stream: once side by side and twice alone, in every block.
    expect(results.get('other')!.failed).toBe(3 * pairBlocks);
    expect(streams.size).toBe(0);

    // After the race, the threads stream one at a time, in the order raw, client, client, raw.
    for (let i = 0; i < made.length; i += 2) {
      const [a, b] = [made[i]!, made[i + 1]!];
      const [raw, mine] = a.startsWith('raw#') ? [a, b] : [b, a];
      const streamed = log.filter(
        (line) =>
          line.startsWith('stream ') && (line.includes(` ${a} `) || line.includes(` ${b} `)),
      );
      expect(streamed.slice(2)).toEqual([
        `stream ${raw} 16`,
        `stream ${mine} 16`,
        `stream ${mine} 16`,
        `stream ${raw} 16`,
      ]);
    }
  });

  it('gives no alone figures without turns', async () => {
    const results = await sideBySide(
      clients,
      16,
      async (c) => fakeThread(c.name, c.name, RPS[c.name]!, []),
      SIZE,
    );
    expect(results.get('wrapped')!.alone).toBeUndefined();
  });
});

describe('sideBySide, with more blocks for the pairs under the target', () => {
  it('races only our default-option pairs in the blocks beyond the common ones, side by side only', async () => {
    const { log, made, startThread } = freshThreads();
    const targeted = [
      client('raw'),
      { ...client('wrapped', 'raw'), ours: true as const },
      { ...client('other', 'raw'), ours: true as const, option: true as const },
    ];
    const size: PairSizes = { ...SIZE, pairAloneTurns: 1, pairTargetBlocks: 5 };
    const results = await sideBySide(targeted, 16, startThread, size);
    const { pairBlocks, pairRoundsPerBlock } = SIZE;

    const wrapped = results.get('wrapped')!;
    expect(wrapped.ratio).toBeCloseTo(0.9, 2);
    expect(wrapped.rounds).toBe(5 * pairRoundsPerBlock);
    expect(wrapped.blockMedians).toHaveLength(5);
    // Turns alone only in the common blocks, for every pair alike.
    expect(wrapped.alone!.pairs).toBe(pairBlocks);
    // The option's pair (not under the target) races in the common blocks only.
    const other = results.get('other')!;
    expect(other.rounds).toBe(pairBlocks * pairRoundsPerBlock);
    expect(other.alone!.pairs).toBe(pairBlocks);
    // Two threads per pair: two pairs per common block, one per block beyond.
    expect(made).toHaveLength(2 * (2 * pairBlocks + (5 - pairBlocks)));
    expect(made.slice(4 * pairBlocks).filter((id) => id.startsWith('other#'))).toEqual([]);
    // Beyond the common blocks, each pair streams once: side by side, no turns.
    for (const id of made.slice(4 * pairBlocks)) {
      expect(log.filter((line) => line === `stream ${id} 16`)).toHaveLength(1);
    }
    // Which thread is made first still alternates block to block.
    const beyond = made.slice(4 * pairBlocks);
    for (let i = 0; i < beyond.length; i += 2) {
      const block = pairBlocks + i / 2;
      expect(beyond[i]!.startsWith('raw#')).toBe(block % 2 === 0);
    }
  });

  it('runs as many blocks as the others when no pair is under the target', async () => {
    const { made, startThread } = freshThreads();
    const size: PairSizes = { ...SIZE, pairTargetBlocks: 5 };
    const results = await sideBySide(clients, 16, startThread, size);
    expect(results.get('wrapped')!.rounds).toBe(SIZE.pairBlocks * SIZE.pairRoundsPerBlock);
    expect(made).toHaveLength(2 * 2 * SIZE.pairBlocks);
  });
});

describe('sideBySide, when a thread fails to start', () => {
  it('rejects with its error and closes the thread that did start', async () => {
    const log: string[] = [];
    const startThread = async (c: HappyClient) => {
      if (c.name === 'wrapped') throw new Error('no such client');
      return fakeThread(c.name, c.name, RPS[c.name]!, log);
    };
    await expect(sideBySide(clients, 16, startThread, SIZE)).rejects.toThrow('no such client');
    expect(log).toEqual(['close raw']);
  });
});

describe('threadCpuNs', () => {
  it.runIf(process.platform === 'linux')(
    'reads a thread’s time on the CPU, which grows as it works',
    () => {
      // On Linux the main thread's id is the process id.
      const before = threadCpuNs(process.pid)!;
      const until = performance.now() + 20;
      let spins = 0;
      while (performance.now() < until) spins++;
      const after = threadCpuNs(process.pid)!;
      expect(spins).toBeGreaterThan(0);
      expect(before).toBeGreaterThan(0);
      expect(after).toBeGreaterThan(before);
    },
  );

  it('is undefined for no thread, or one that does not exist', () => {
    expect(threadCpuNs(undefined)).toBeUndefined();
    expect(threadCpuNs(2 ** 31 - 1)).toBeUndefined();
  });
});
