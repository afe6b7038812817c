import { describe, expect, it } from 'vitest';
import type { BucketSpec, OutcomeWindow, ResilienceStore } from '../../src/resilience/index.js';

/**
 * What every ResilienceStore must do, run against the in-memory store (core) and the Redis one
 * (redis-store) alike, so the budget and the breaker behave the same over either.
 */
export function describeStoreContract(name: string, storeFor: () => ResilienceStore): void {
  const T0 = 1_764_000_000_123;
  const bucket: BucketSpec = { capacity: 500, refillPerSecond: 0, idleTtlMs: 60_000 };
  const window: OutcomeWindow = { windowMs: 30_000, slotMs: 3_000 };
  let n = 0;
  const fresh = (prefix: string) => `${prefix}:${Date.now()}:${n++}`;

  describe(`${name}: ResilienceStore contract`, () => {
    it('starts a bucket full and takes only what it holds', async () => {
      const store = storeFor();
      const key = fresh('bucket');
      expect(await store.tokens(key, bucket, T0)).toBe(500);
      expect(await store.take(key, 5, bucket, T0)).toBe(true);
      expect(await store.tokens(key, bucket, T0)).toBe(495);
      expect(await store.take(key, 496, bucket, T0)).toBe(false);
      expect(await store.tokens(key, bucket, T0)).toBe(495);
      expect(await store.take(key, 495, bucket, T0)).toBe(true);
      expect(await store.take(key, 1, bucket, T0)).toBe(false);
      expect(await store.take(key, 0, bucket, T0)).toBe(true);
      expect(await store.tokens(key, bucket, T0)).toBe(0);
    });

    it('refunds up to the capacity and no further', async () => {
      const store = storeFor();
      const key = fresh('bucket');
      await store.take(key, 20, bucket, T0);
      await store.refund(key, 5, bucket, T0);
      expect(await store.tokens(key, bucket, T0)).toBe(485);
      await store.refund(key, 100, bucket, T0);
      expect(await store.tokens(key, bucket, T0)).toBe(500);
    });

    it('refills with the time passed, fractions included, and never backwards', async () => {
      const store = storeFor();
      const key = fresh('bucket');
      const refilling: BucketSpec = { capacity: 20, refillPerSecond: 5, idleTtlMs: 4_000 };
      expect(await store.take(key, 20, refilling, T0)).toBe(true);
      expect(await store.tokens(key, refilling, T0 + 300)).toBeCloseTo(1.5, 9);
      expect(await store.take(key, 2, refilling, T0 + 300)).toBe(false);
      expect(await store.take(key, 10, refilling, T0 + 2_000)).toBe(true);
      expect(await store.tokens(key, refilling, T0 + 2_000)).toBeCloseTo(0, 9);
      // Another server's clock, a second behind, must not mint tokens.
      expect(await store.tokens(key, refilling, T0 + 1_000)).toBeCloseTo(0, 9);
      expect(await store.tokens(key, refilling, T0 + 60_000)).toBe(20);
    });

    it('keeps buckets apart by key', async () => {
      const store = storeFor();
      const a = fresh('bucket');
      const b = fresh('bucket');
      await store.take(a, 100, bucket, T0);
      expect(await store.tokens(a, bucket, T0)).toBe(400);
      expect(await store.tokens(b, bucket, T0)).toBe(500);
    });

    it('takes atomically: concurrent takers never overdraw the bucket', async () => {
      const store = storeFor();
      const key = fresh('bucket');
      const results = await Promise.all(
        Array.from({ length: 150 }, () => store.take(key, 5, bucket, T0)),
      );
      expect(results.filter(Boolean)).toHaveLength(100);
      expect(await store.tokens(key, bucket, T0)).toBe(0);
    });

    it('counts outcomes: failures in a row, failures and calls in the window', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      await store.recordOutcome(key, true, window, T0);
      await store.recordOutcome(key, true, window, T0 + 10);
      expect(await store.recordOutcome(key, true, window, T0 + 20)).toEqual({
        consecutiveFailures: 3,
        failures: 3,
        total: 3,
      });
      expect(await store.recordOutcome(key, false, window, T0 + 30)).toEqual({
        consecutiveFailures: 0,
        failures: 3,
        total: 4,
      });
      expect(await store.recordOutcome(key, true, window, T0 + 40)).toEqual({
        consecutiveFailures: 1,
        failures: 4,
        total: 5,
      });
    });

    it('slides the window: calls older than it stop counting', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      for (let i = 0; i < 4; i++) await store.recordOutcome(key, true, window, T0 + i * 1_000);
      const later = await store.recordOutcome(key, false, window, T0 + 20_000);
      expect(later).toMatchObject({ failures: 4, total: 5 });
      const past = await store.recordOutcome(key, false, window, T0 + 40_000);
      expect(past).toMatchObject({ consecutiveFailures: 0, failures: 0, total: 2 });
    });

    it('forgets outcomes on clear', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      await store.recordOutcome(key, true, window, T0);
      await store.recordOutcome(key, true, window, T0);
      await store.clearOutcomes(key);
      expect(await store.recordOutcome(key, true, window, T0)).toEqual({
        consecutiveFailures: 1,
        failures: 1,
        total: 1,
      });
    });

    it('writes a breaker record only over the version it expects', async () => {
      const store = storeFor();
      const key = fresh('circuit');
      expect(await store.readCircuit(key, T0)).toBeUndefined();
      const opened = await store.writeCircuit(
        key,
        0,
        { state: 'open', until: T0 + 30_000, opens: 1 },
        60_000,
        T0,
      );
      expect(opened).toEqual({ state: 'open', until: T0 + 30_000, opens: 1, version: 1 });
      expect(await store.readCircuit(key, T0)).toEqual(opened);
      const stale = await store.writeCircuit(
        key,
        0,
        { state: 'closed', until: 0, opens: 0 },
        60_000,
        T0,
      );
      expect(stale).toBeUndefined();
      const probing = await store.writeCircuit(
        key,
        1,
        { state: 'half-open', until: T0 + 45_000, opens: 1 },
        60_000,
        T0 + 30_000,
      );
      expect(probing?.version).toBe(2);
      expect(await store.readCircuit(key, T0 + 30_000)).toEqual({
        state: 'half-open',
        until: T0 + 45_000,
        opens: 1,
        version: 2,
      });
    });

    it('lets exactly one of many concurrent writers win the compare-and-set', async () => {
      const store = storeFor();
      const key = fresh('circuit');
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.writeCircuit(key, 0, { state: 'open', until: T0 + i, opens: 1 }, 60_000, T0),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(await store.readCircuit(key, T0)).toEqual(winners[0]);
    });
  });
}
