import { describe, expect, it } from 'vitest';
import {
  median,
  percentile,
  runBounded,
  runStream,
  STREAM_FAILED,
  STREAM_OK,
  STREAM_SLOTS,
  STREAM_STOP,
  steadyStateTiering,
  TimeBudget,
} from '../lib.js';
import { targetBlocksNote, tieringNote } from '../report.js';

describe('percentile and median', () => {
  it('take the nearest rank of ascending values', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(median([9, 1, 5])).toBe(5);
  });
});

describe('runBounded', () => {
  it('runs every task once, with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const result = await runBounded({
      count: 20,
      concurrency: 4,
      timeLimitMs: 5000,
      task: async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        seen.push(i);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
      },
    });
    expect(result).toMatchObject({ ok: 20, failed: 0, skipped: 0 });
    expect(result.latencies).toHaveLength(20);
    expect(most).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('counts rejections as failed and starts nothing after its time limit', async () => {
    const result = await runBounded({
      count: 1000,
      concurrency: 2,
      timeLimitMs: 30,
      task: async (i) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (i % 2 === 1) throw new Error('no');
      },
    });
    expect(result.ok + result.failed + result.skipped).toBe(1000);
    expect(result.skipped).toBeGreaterThan(900);
    expect(result.failed).toBeGreaterThan(0);
  });

  it('stops waiting for a task that never settles, 5 s after its time limit', async () => {
    const result = await runBounded({
      count: 1,
      concurrency: 1,
      timeLimitMs: 10,
      task: () => new Promise(() => {}),
    });
    expect(result).toMatchObject({ ok: 0, failed: 1 });
  }, 10_000);
});

describe('TimeBudget', () => {
  it('shares what is left between the loops still to run, within [100 ms, cap]', () => {
    const budget = new TimeBudget(10_000);
    expect(budget.share(4, 60_000)).toBeGreaterThan(2000);
    expect(budget.share(4, 60_000)).toBeLessThanOrEqual(2500);
    expect(budget.share(1, 1000)).toBe(1000);
    expect(new TimeBudget(0).share(3, 1000)).toBe(100);
  });
});

describe('runStream', () => {
  const countersOf = () =>
    new Int32Array(new SharedArrayBuffer(STREAM_SLOTS * Int32Array.BYTES_PER_ELEMENT));

  it('counts each request as it ends, with `concurrency` in flight, until told to stop', async () => {
    const counters = countersOf();
    let inFlight = 0;
    let most = 0;
    let started = 0;
    const running = runStream({
      concurrency: 3,
      timeLimitMs: 10_000,
      counters,
      task: async () => {
        const mine = ++started;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        if (mine % 4 === 0) throw new Error('declined');
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const midway = Atomics.load(counters, STREAM_OK) + Atomics.load(counters, STREAM_FAILED);
    expect(midway).toBeGreaterThan(0);
    Atomics.store(counters, STREAM_STOP, 1);
    await running;
    expect(most).toBe(3);
    const ok = Atomics.load(counters, STREAM_OK);
    const failed = Atomics.load(counters, STREAM_FAILED);
    // Every request started has ended and been counted once: ok or failed.
    expect(ok + failed).toBe(started);
    expect(failed).toBe(Math.floor(started / 4));
  });

  it('stops by its time limit without being told', async () => {
    const counters = countersOf();
    const start = performance.now();
    await runStream({
      concurrency: 2,
      timeLimitMs: 30,
      counters,
      task: () => new Promise((resolve) => setTimeout(resolve, 1)),
    });
    expect(performance.now() - start).toBeLessThan(2000);
    expect(Atomics.load(counters, STREAM_OK)).toBeGreaterThan(0);
  });
});

describe('steadyStateTiering', () => {
  it("lowers V8's tier-up budget for the whole process, and says which flag it set", () => {
    const set: string[] = [];
    const flag = steadyStateTiering(['node', 'run.ts'], (flags) => set.push(flags));
    expect(flag).toBe('--interrupt-budget=16384');
    expect(set).toEqual(['--interrupt-budget=16384']);
    expect(tieringNote(flag)).toContain('`--interrupt-budget=16384`');
  });

  it('leaves V8 alone with --default-tiering, and the report says so', () => {
    const set: string[] = [];
    const flag = steadyStateTiering(['node', 'run.ts', '--default-tiering'], (flags) =>
      set.push(flags),
    );
    expect(flag).toBeUndefined();
    expect(set).toEqual([]);
    expect(tieringNote(flag)).toContain('V8 tiered up with its defaults');
  });
});

describe('targetBlocksNote', () => {
  it('says how many blocks more the pairs under the target race, and that they have no turns alone', () => {
    const note = targetBlocksNote({ pairBlocks: 5, pairTargetBlocks: 15 });
    expect(note).toContain('up to 10 blocks more');
    expect(note).toContain('no turns alone');
    expect(targetBlocksNote({ pairBlocks: 5, pairTargetBlocks: 6 })).toContain(
      'up to 1 block more,',
    );
  });

  it('says nothing when they race as many blocks as the others', () => {
    expect(targetBlocksNote({ pairBlocks: 5 })).toBe('');
    expect(targetBlocksNote({ pairBlocks: 5, pairTargetBlocks: 5 })).toBe('');
  });
});
