import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BucketSpec, createMemoryStore } from '../src/resilience/index.js';
import { describeStoreContract } from './support/store-contract.js';

describeStoreContract('memory store', createMemoryStore);

describe('memory store: expiry follows the time its callers pass', () => {
  const T0 = Date.UTC(2026, 10, 24, 12);
  const bucket: BucketSpec = { capacity: 10, refillPerSecond: 0, idleTtlMs: 1_000 };

  it('forgets a bucket left untouched for its idle TTL: it is full again', async () => {
    const store = createMemoryStore();
    await store.take('b', 10, bucket, T0);
    expect(await store.tokens('b', bucket, T0 + 999)).toBe(0);
    expect(await store.tokens('b', bucket, T0 + 1_000)).toBe(10);
  });

  it('forgets a breaker record after its TTL, and restarts its versions', async () => {
    const store = createMemoryStore();
    const next = { state: 'open', forMs: 100, opens: 1 } as const;
    expect(await store.writeCircuit('c', 0, next, 500, T0)).toMatchObject({ version: 1 });
    expect(await store.readCircuit('c', T0 + 499)).toMatchObject({
      state: 'open',
      remainingMs: -399,
    });
    expect(await store.readCircuit('c', T0 + 500)).toBeUndefined();
    expect(await store.writeCircuit('c', 0, next, 500, T0 + 500)).toMatchObject({ version: 1 });
  });

  it('forgets a node’s failures in a row after a window with no call from it', async () => {
    const store = createMemoryStore();
    const window = { windowMs: 1_000, slotMs: 100 };
    const rule = { failureThreshold: 5, failureRatio: 0.5, minimumCalls: 20 };
    await store.recordOutcome('o', 'a', true, window, rule, T0);
    expect(await store.recordOutcome('o', 'a', true, window, rule, T0 + 999)).toMatchObject({
      consecutiveFailures: 2,
    });
    expect(await store.recordOutcome('o', 'a', true, window, rule, T0 + 2_000)).toMatchObject({
      consecutiveFailures: 1,
      total: 1,
    });
  });

  it('counts each node’s calls and failures in the window as a plain recount would', async () => {
    const window = { windowMs: 1_000, slotMs: 100 };
    const rule = { failureThreshold: 5, failureRatio: 0.5, minimumCalls: 20 };
    const step = fc.record({
      node: fc.constantFrom('a', 'b'),
      failed: fc.boolean(),
      advanceMs: fc.oneof(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 2_500 })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const store = createMemoryStore();
        // The recount: every call a node made, dropped whole after a window with no call from it.
        const calls = new Map<string, { slot: number; failed: boolean }[]>();
        let now = T0;
        for (const { node, failed, advanceMs } of steps) {
          now += advanceMs;
          const slot = Math.floor(now / window.slotMs);
          const oldest = slot - window.windowMs / window.slotMs + 1;
          const mine = (calls.get(node) ?? []).filter((c) => c.slot >= oldest);
          const kept = mine.length > 0 ? (calls.get(node) ?? []) : [];
          kept.push({ slot, failed });
          calls.set(node, kept);
          const inWindow = kept.filter((c) => c.slot >= oldest);
          const counts = await store.recordOutcome('o', node, failed, window, rule, now);
          expect(counts.total).toBe(inWindow.length);
          expect(counts.failures).toBe(inWindow.filter((c) => c.failed).length);
        }
      }),
    );
  });

  it('gives every store its own state', async () => {
    const one = createMemoryStore();
    const two = createMemoryStore();
    await one.take('b', 10, bucket, T0);
    expect(await two.tokens('b', bucket, T0)).toBe(10);
  });
});
