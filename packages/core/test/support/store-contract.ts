import { describe, expect, it } from 'vitest';
import type {
  BucketSpec,
  OutcomeWindow,
  ResilienceStore,
  TripRule,
} from '../../src/resilience/index.js';

/**
 * What every ResilienceStore must do, run against the in-memory store (core) and the Redis one
 * (redis-store) alike, so the budget and the breaker behave the same over either. `clock` says
 * whose time the store follows: the `now` its callers pass (`caller`, in process) or its own
 * (`store`, shared: Redis's TIME); the tests that move time do so only on a caller's clock.
 */
export function describeStoreContract(
  name: string,
  storeFor: () => ResilienceStore,
  clock: 'caller' | 'store' = 'caller',
): void {
  const T0 = clock === 'caller' ? 1_764_000_000_123 : Date.now();
  const bucket: BucketSpec = { capacity: 500, refillPerSecond: 0, idleTtlMs: 60_000 };
  const window: OutcomeWindow = { windowMs: 30_000, slotMs: 3_000 };
  const rule: TripRule = { failureThreshold: 5, failureRatio: 0.5, minimumCalls: 20 };
  // A store on its own clock cannot be moved in time: its suite tests refill and sliding in
  // real time instead, with short windows.
  const onCallerClock = (title: string, test: () => Promise<void>) => {
    if (clock === 'caller') it(title, test);
  };
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

    onCallerClock(
      'refills with the time passed, fractions included, and never backwards',
      async () => {
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
      },
    );

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
      const record = (failed: boolean, at: number) =>
        store.recordOutcome(key, 'a', failed, window, rule, at);
      await record(true, T0);
      await record(true, T0 + 10);
      expect(await record(true, T0 + 20)).toEqual({
        consecutiveFailures: 3,
        failures: 3,
        total: 3,
        nodes: 1,
        failingNodes: 0,
      });
      expect(await record(false, T0 + 30)).toMatchObject({
        consecutiveFailures: 0,
        failures: 3,
        total: 4,
      });
      await record(true, T0 + 40);
      await record(true, T0 + 50);
      await record(true, T0 + 60);
      await record(true, T0 + 70);
      expect(await record(true, T0 + 80)).toEqual({
        consecutiveFailures: 5,
        failures: 8,
        total: 9,
        nodes: 1,
        failingNodes: 1,
      });
    });

    it('counts each node apart, and how many nodes sent calls and how many see failures', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      const record = (node: string, failed: boolean) =>
        store.recordOutcome(key, node, failed, window, rule, T0);
      for (let i = 0; i < 4; i++) await record('a', true);
      expect(await record('a', true)).toEqual({
        consecutiveFailures: 5,
        failures: 5,
        total: 5,
        nodes: 1,
        failingNodes: 1,
      });
      expect(await record('b', false)).toEqual({
        consecutiveFailures: 0,
        failures: 0,
        total: 1,
        nodes: 2,
        failingNodes: 1,
      });
      expect(await record('node:c', false)).toMatchObject({ nodes: 3, failingNodes: 1 });
      for (let i = 0; i < 4; i++) await record('b', true);
      expect(await record('b', true)).toEqual({
        consecutiveFailures: 5,
        failures: 5,
        total: 6,
        nodes: 3,
        failingNodes: 2,
      });
    });

    it('finds a node failing by the ratio rule as well', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      let last: Awaited<ReturnType<ResilienceStore['recordOutcome']>> | undefined;
      for (let i = 0; i < 20; i++) {
        last = await store.recordOutcome(key, 'a', i % 2 === 0, window, rule, T0 + i);
      }
      expect(last).toEqual({
        consecutiveFailures: 0,
        failures: 10,
        total: 20,
        nodes: 1,
        failingNodes: 1,
      });
    });

    onCallerClock('slides the window: calls older than it stop counting', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      const record = (failed: boolean, at: number) =>
        store.recordOutcome(key, 'a', failed, window, rule, at);
      for (let i = 0; i < 4; i++) await record(true, T0 + i * 1_000);
      await store.recordOutcome(key, 'b', true, window, rule, T0);
      const later = await record(false, T0 + 20_000);
      expect(later).toMatchObject({ failures: 4, total: 5, nodes: 2 });
      const past = await record(false, T0 + 40_000);
      expect(past).toEqual({
        consecutiveFailures: 0,
        failures: 0,
        total: 2,
        nodes: 1,
        failingNodes: 0,
      });
    });

    it('forgets outcomes on clear', async () => {
      const store = storeFor();
      const key = fresh('outcomes');
      await store.recordOutcome(key, 'a', true, window, rule, T0);
      await store.recordOutcome(key, 'b', true, window, rule, T0);
      await store.clearOutcomes(key);
      expect(await store.recordOutcome(key, 'a', true, window, rule, T0)).toEqual({
        consecutiveFailures: 1,
        failures: 1,
        total: 1,
        nodes: 1,
        failingNodes: 0,
      });
    });

    it('writes a breaker record only over the version it expects', async () => {
      const store = storeFor();
      const key = fresh('circuit');
      expect(await store.readCircuit(key, T0)).toBeUndefined();
      const opened = await store.writeCircuit(
        key,
        0,
        { state: 'open', forMs: 30_000, opens: 1 },
        60_000,
        T0,
      );
      expect(opened).toEqual({ state: 'open', remainingMs: 30_000, opens: 1, version: 1 });
      const read = await store.readCircuit(key, T0);
      expect(read).toMatchObject({ state: 'open', opens: 1, version: 1 });
      // Measured on the store's clock: a real one may have moved a few ms since the write.
      expect(read?.remainingMs).toBeGreaterThan(29_000);
      expect(read?.remainingMs).toBeLessThanOrEqual(30_000);
      const stale = await store.writeCircuit(
        key,
        0,
        { state: 'closed', forMs: 0, opens: 0 },
        60_000,
        T0,
      );
      expect(stale).toBeUndefined();
      const probing = await store.writeCircuit(
        key,
        1,
        { state: 'half-open', forMs: 15_000, opens: 1 },
        60_000,
        T0,
      );
      expect(probing?.version).toBe(2);
      expect(await store.readCircuit(key, T0)).toMatchObject({
        state: 'half-open',
        opens: 1,
        version: 2,
      });
    });

    it('tells the time left as negative once a deadline has passed', async () => {
      const store = storeFor();
      const key = fresh('circuit');
      await store.writeCircuit(key, 0, { state: 'half-open', forMs: 0, opens: 2 }, 60_000, T0);
      const read = await store.readCircuit(key, T0 + 5);
      expect(read?.remainingMs).toBeLessThanOrEqual(0);
    });

    it('lets exactly one of many concurrent writers win the compare-and-set', async () => {
      const store = storeFor();
      const key = fresh('circuit');
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.writeCircuit(key, 0, { state: 'open', forMs: 1_000 + i, opens: 1 }, 60_000, T0),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(await store.readCircuit(key, T0)).toMatchObject({
        state: 'open',
        opens: 1,
        version: winners[0]?.version,
      });
    });
  });
}
