import { describe, expect, it } from 'vitest';
import type { HappyClient } from '../clients.js';
import { type LoopResult, SIZES } from '../lib.js';
import { type ClientThread, sideBySide } from '../overhead.js';

const client = (name: string, baseline?: string): HappyClient => ({
  name,
  ...(baseline === undefined ? {} : { baseline }),
  get: async () => undefined,
});

const clients = [client('raw'), client('wrapped', 'raw'), client('other', 'raw')];

/** A thread whose windows complete `rps` requests a second; it logs every batch and its close. */
function fakeThread(id: string, name: string, rps: number, log: string[]): ClientThread {
  return {
    batch: async (request) => {
      log.push(`${request.count === SIZES.overhead.pairWarmup ? 'warm' : 'run'} ${id}`);
      await Promise.resolve();
      const elapsedMs = request.timeLimitMs;
      const result: LoopResult = {
        ok: (rps * elapsedMs) / 1000,
        failed: name === 'other' ? 1 : 0,
        skipped: 0,
        latencies: [],
        elapsedMs,
      };
      return result;
    },
    close: async () => {
      log.push(`close ${id}`);
    },
  };
}

const RPS: Record<string, number> = { raw: 1000, wrapped: 900, other: 500 };

describe('sideBySide', () => {
  it('races every client with its raw client on fresh threads per block, alternating who goes first', async () => {
    const log: string[] = [];
    const made: string[] = [];
    const startThread = async (c: HappyClient) => {
      const id = `${c.name}#${made.length}`;
      made.push(id);
      return fakeThread(id, c.name, RPS[c.name]!, log);
    };
    const results = await sideBySide(clients, 16, startThread);
    const { pairBlocks, pairRoundsPerBlock } = SIZES.overhead;

    expect([...results.keys()]).toEqual(['wrapped', 'other']);
    const wrapped = results.get('wrapped')!;
    expect(wrapped.ratio).toBeCloseTo(0.9, 3);
    expect(wrapped.iqr).toEqual([0.9, 0.9]);
    expect(wrapped.rounds).toBe(pairBlocks * pairRoundsPerBlock);
    expect(wrapped.ratios.every((r) => r === 0.9)).toBe(true);
    expect(results.get('other')!.ratio).toBeCloseTo(0.5, 3);
    expect(results.get('other')!.failed).toBe(results.get('other')!.rounds);

    // Two fresh threads per pair and block; the raw one is made first in even blocks.
    expect(made).toHaveLength(2 * 2 * pairBlocks);
    for (let i = 0; i < made.length; i += 2) {
      const block = Math.floor(i / 4);
      const rawFirst = made[i]!.startsWith('raw#');
      expect(rawFirst).toBe(block % 2 === 0);
      expect(made.slice(i, i + 2).some((id) => id.startsWith('raw#'))).toBe(true);
    }

    // Each pair: both threads warmed up, then rounds whose first batch alternates, then closed.
    for (let i = 0; i < made.length; i += 2) {
      const [a, b] = [made[i]!, made[i + 1]!];
      const mine = log.filter((line) => line.endsWith(` ${a}`) || line.endsWith(` ${b}`));
      const raw = a.startsWith('raw#') ? a : b;
      const other = raw === a ? b : a;
      expect(mine.slice(0, 2).sort()).toEqual([`warm ${a}`, `warm ${b}`].sort());
      const runs = mine.filter((line) => line.startsWith('run '));
      expect(runs).toHaveLength(2 * pairRoundsPerBlock);
      for (let r = 0; r < pairRoundsPerBlock; r++) {
        expect(runs[2 * r]).toBe(`run ${r % 2 === 0 ? raw : other}`);
      }
      expect(mine.slice(-2).sort()).toEqual([`close ${a}`, `close ${b}`].sort());
    }
  });
});
