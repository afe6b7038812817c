import { describe, expect, it } from 'vitest';
import type { HappyClient } from '../clients.js';
import type { LoopResult } from '../lib.js';
import { type ClientThread, sideBySide } from '../overhead.js';

const client = (name: string, baseline?: string): HappyClient => ({
  name,
  ...(baseline === undefined ? {} : { baseline }),
  get: async () => undefined,
});

const clients = [client('raw'), client('wrapped', 'raw'), client('other', 'raw')];

/** A thread whose windows complete `rps` requests a second; it logs when each batch starts. */
function fakeThread(name: string, rps: number, log: string[]): ClientThread {
  return {
    batch: async (request) => {
      log.push(name);
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
    close: async () => {},
  };
}

describe('sideBySide', () => {
  it('pairs every client with its raw client, alternating who starts, and reports their ratio', async () => {
    const log: string[] = [];
    const threads = new Map<string, ClientThread>();
    const starts: string[][] = [];
    const startThreads = async (order: readonly HappyClient[] = clients) => {
      starts.push(order.map((c) => c.name));
      threads.set('raw', fakeThread('raw', 1000, log));
      threads.set('wrapped', fakeThread('wrapped', 900, log));
      threads.set('other', fakeThread('other', 500, log));
    };
    await startThreads();
    const results = await sideBySide(
      clients,
      16,
      startThreads,
      async () => threads.clear(),
      threads,
    );

    expect([...results.keys()]).toEqual(['wrapped', 'other']);
    const wrapped = results.get('wrapped')!;
    expect(wrapped.ratio).toBeCloseTo(0.9, 3);
    expect(wrapped.iqr).toEqual([0.9, 0.9]);
    expect(wrapped.ratios.every((r) => r === 0.9)).toBe(true);
    expect(wrapped.rounds).toBeGreaterThan(1);
    expect(results.get('other')!.ratio).toBeCloseTo(0.5, 3);
    expect(results.get('other')!.failed).toBe(results.get('other')!.rounds);

    // Each pair is two batches; the raw client starts the even rounds, the client the odd ones.
    const pairs: string[][] = [];
    for (let i = 0; i < log.length; i += 2) pairs.push([log[i]!, log[i + 1]!]);
    expect(pairs.length).toBe(wrapped.rounds * 2);
    const firsts = new Set(pairs.map(([first]) => first));
    expect(firsts).toEqual(new Set(['raw', 'wrapped', 'other']));
    for (const pair of pairs) expect(pair).toContain('raw');
    // The second block runs on fresh threads made in the reverse order.
    expect(starts).toEqual([
      ['raw', 'wrapped', 'other'],
      ['other', 'wrapped', 'raw'],
    ]);
  });
});
