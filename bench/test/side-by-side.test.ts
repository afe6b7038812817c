import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HappyClient } from '../clients.js';
import { type LoopResult, STREAM_FAILED, STREAM_OK, STREAM_STOP } from '../lib.js';
import { type ClientThread, type PairSizes, sideBySide } from '../overhead.js';

const client = (name: string, baseline?: string): HappyClient => ({
  name,
  ...(baseline === undefined ? {} : { baseline }),
  get: async () => undefined,
});

const clients = [client('raw'), client('wrapped', 'raw'), client('other', 'raw')];

const T0 = performance.now();
/** Streams in progress: one timer sets all their counts from one clock, so they stay in step. */
const streams = new Set<{ counters: Int32Array; rps: number; stop: () => void }>();
let ticker: ReturnType<typeof setInterval> | undefined;
function tick(): void {
  const elapsed = performance.now() - T0;
  for (const stream of streams) {
    Atomics.store(stream.counters, STREAM_OK, Math.floor((stream.rps * elapsed) / 1000));
    if (Atomics.load(stream.counters, STREAM_STOP) === 1) {
      streams.delete(stream);
      stream.stop();
    }
  }
}

/** A thread that completes `rps` requests a second while it streams; it logs what it is asked. */
function fakeThread(id: string, name: string, rps: number, log: string[]): ClientThread {
  return {
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
        streams.add({ counters, rps, stop: resolve });
      });
    },
    close: async () => {
      log.push(`close ${id}`);
    },
  };
}

const RPS: Record<string, number> = { raw: 100_000, wrapped: 90_000, other: 50_000 };
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
    const log: string[] = [];
    const made: string[] = [];
    const startThread = async (c: HappyClient) => {
      const id = `${c.name}#${made.length}`;
      made.push(id);
      return fakeThread(id, c.name, RPS[c.name]!, log);
    };
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
    expect(results.get('other')!.ratio).toBeCloseTo(0.5, 2);
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
