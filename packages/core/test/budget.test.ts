import { describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createRetryBudget,
  type ResilienceStore,
} from '../src/resilience/index.js';

/** A clock the test moves by hand. */
function clock(start = Date.UTC(2026, 10, 24, 12)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const budgetBucket = { capacity: 10, refillPerSecond: 0, idleTtlMs: 24 * 60 * 60 * 1000 };

async function drain(acquire: () => Promise<boolean>): Promise<number> {
  let granted = 0;
  while (await acquire()) granted += 1;
  return granted;
}

describe('retry budget: defaults sized for one server (gRPC retry throttling)', () => {
  it('pays for 10 retries from a full bucket, then refuses at once', async () => {
    const budget = createRetryBudget();
    expect(await budget.available()).toBe(10);
    expect(await drain(() => budget.tryAcquire('retry'))).toBe(10);
    expect(await budget.available()).toBe(0);
    expect(await budget.tryAcquire('retry')).toBe(false);
    expect(await budget.tryAcquire('timeout')).toBe(false);
  });

  it('charges 2 for a retry after a timeout, 1 for any other', async () => {
    const budget = createRetryBudget();
    expect(budget.costOf('timeout')).toBe(2);
    expect(budget.costOf('retry')).toBe(1);
    expect(await budget.tryAcquire('timeout')).toBe(true);
    expect(await budget.available()).toBe(8);
    expect(await drain(() => budget.tryAcquire('timeout'))).toBe(4);
  });

  it('refuses a timeout retry the bucket cannot pay, but still a cheaper one', async () => {
    const budget = createRetryBudget({ capacity: 3 });
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await budget.tryAcquire('timeout')).toBe(false);
    expect(await budget.available()).toBe(1);
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await budget.available()).toBe(0);
  });

  it('refills on success: the last retry’s cost, or 0.2 for a call that needed none', async () => {
    const budget = createRetryBudget();
    await drain(() => budget.tryAcquire('retry'));
    for (let i = 0; i < 4; i++) await budget.onSuccess();
    expect(await budget.available()).toBeCloseTo(0.8, 9);
    expect(await budget.tryAcquire('retry')).toBe(false);
    await budget.onSuccess();
    // Five successes that needed no retry pay for one retry.
    expect(await budget.tryAcquire('retry')).toBe(true);
    await budget.onSuccess('retry');
    expect(await budget.available()).toBeCloseTo(1, 9);
    await budget.onSuccess('timeout');
    expect(await budget.available()).toBeCloseTo(3, 9);
    expect(await drain(() => budget.tryAcquire('retry'))).toBe(3);
  });

  it('never refills above its capacity', async () => {
    const budget = createRetryBudget({ capacity: 20 });
    await budget.tryAcquire('retry');
    for (let i = 0; i < 10; i++) await budget.onSuccess('timeout');
    expect(await budget.available()).toBe(20);
  });
});

describe('retry budget: options', () => {
  it('takes its numbers from the options', async () => {
    const budget = createRetryBudget({
      capacity: 30,
      retryCost: 3,
      timeoutCost: 7,
      successRefund: 2,
    });
    expect(await drain(() => budget.tryAcquire('retry'))).toBe(10);
    await budget.onSuccess();
    expect(await budget.available()).toBe(2);
    await budget.onSuccess('timeout');
    expect(await budget.available()).toBe(9);
    expect(await budget.tryAcquire('timeout')).toBe(true);
    expect(await budget.available()).toBe(2);
  });

  it('refills with time when refillPerSecond is set, on the injected clock', async () => {
    const time = clock();
    const budget = createRetryBudget({
      capacity: 50,
      retryCost: 5,
      refillPerSecond: 5,
      now: time.now,
    });
    expect(await drain(() => budget.tryAcquire('retry'))).toBe(10);
    time.advance(999);
    expect(await budget.tryAcquire('retry')).toBe(false);
    time.advance(1);
    expect(await budget.tryAcquire('retry')).toBe(true);
    time.advance(60_000);
    expect(await budget.available()).toBe(50);
  });

  it('does not refill with time by default', async () => {
    const time = clock();
    const budget = createRetryBudget({ capacity: 10, now: time.now });
    await drain(() => budget.tryAcquire('retry'));
    time.advance(24 * 60 * 60 * 1000 - 1);
    expect(await budget.available()).toBe(0);
  });

  it.each([
    [{ capacity: 0 }, /capacity must be a whole number ≥ 1/],
    [{ capacity: 2.5 }, /capacity/],
    [{ capacity: Number.NaN }, /capacity/],
    [{ retryCost: -1 }, /retryCost must be a finite number ≥ 0 and ≤ 10/],
    [{ capacity: 8, timeoutCost: 10 }, /timeoutCost .* ≤ 8/],
    [{ successRefund: '1' }, /successRefund/],
    [{ refillPerSecond: Number.POSITIVE_INFINITY }, /refillPerSecond/],
    [{ key: '' }, /key must be a non-empty string/],
    [{ now: 5 }, /now must be a function/],
    [{ capicity: 10 }, /capicity is not an option/],
  ])('rejects %o with a TypeError naming the option', (options, message) => {
    expect(() => createRetryBudget(options as never)).toThrow(TypeError);
    expect(() => createRetryBudget(options as never)).toThrow(message);
  });

  it('rejects options that are not an object, and a store that is not a store', () => {
    expect(() => createRetryBudget(null as never)).toThrow(/options must be an object/);
    expect(() => createRetryBudget({}, {} as ResilienceStore)).toThrow(
      /budget.store must be a ResilienceStore; it lacks take, refund/,
    );
  });

  it('rejects an unknown retry kind with a TypeError, as a rejected promise', async () => {
    const budget = createRetryBudget();
    await expect(budget.tryAcquire('throttle' as never)).rejects.toThrow(
      /retry kind must be 'retry' or 'timeout'/,
    );
    await expect(budget.onSuccess('throttle' as never)).rejects.toThrow(TypeError);
    expect(await budget.available()).toBe(10);
  });
});

describe('retry budget: the refund after a success', () => {
  it.each([
    ['rejects', () => Promise.reject(new Error('store down'))],
    [
      'throws',
      () => {
        throw new Error('store down');
      },
    ],
  ])('resolves when the store %s the refund (bookkeeping never fails)', async (_, refund) => {
    const store = createMemoryStore();
    const health: unknown[] = [];
    const budget = createRetryBudget(
      { onStoreHealth: (event) => health.push(event) },
      { ...store, refund },
    );
    expect(await budget.tryAcquire('retry')).toBe(true);
    await expect(budget.onSuccess('retry')).resolves.toBeUndefined();
    await expect(budget.onSuccess()).resolves.toBeUndefined();
    // The refunds were lost, as the store said; the budget said it fell back, once.
    expect(await store.tokens('budget:default', budgetBucket, 0)).toBe(9);
    expect(health).toEqual([
      { component: 'budget', state: 'fallback', error: new Error('store down') },
    ]);
  });

  it('refunds through the memory store, which is done at once and returns nothing', async () => {
    const store = createMemoryStore();
    const bucket = { capacity: 500, refillPerSecond: 0, idleTtlMs: 60_000 };
    expect(await store.take('default', 10, bucket, 0)).toBe(true);
    expect(store.refund('default', 5, bucket, 0)).toBeUndefined();
    expect(await store.tokens('default', bucket, 0)).toBe(495);
    const budget = createRetryBudget({ capacity: 500, timeoutCost: 10, retryCost: 5 }, store);
    await budget.onSuccess('timeout');
    expect(await budget.available()).toBe(500);
    // Full again, then spent: the bucket starts over from full, not from a stale entry.
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await budget.available()).toBe(495);
  });
});

describe('retry budget: shared through a store', () => {
  it('is one bucket for every budget with the same store and key', async () => {
    const store = createMemoryStore();
    const options = { capacity: 20, retryCost: 5, timeoutCost: 10 };
    const engineA = createRetryBudget(options, store);
    const engineB = createRetryBudget(options, store);
    expect(await engineA.tryAcquire('retry')).toBe(true);
    expect(await engineB.tryAcquire('timeout')).toBe(true);
    expect(await engineA.available()).toBe(5);
    expect(await engineB.tryAcquire('timeout')).toBe(false);
    await engineA.onSuccess('timeout');
    expect(await engineB.available()).toBe(15);
  });

  it('keeps budgets with different keys apart', async () => {
    const store = createMemoryStore();
    const checkout = createRetryBudget({ capacity: 10, key: 'checkout' }, store);
    const payouts = createRetryBudget({ capacity: 10, key: 'payouts' }, store);
    await drain(() => checkout.tryAcquire('retry'));
    expect(await payouts.available()).toBe(10);
  });

  it('never pays for more retries than it holds, however many calls ask at once', async () => {
    const budget = createRetryBudget();
    const answers = await Promise.all(Array.from({ length: 25 }, () => budget.tryAcquire('retry')));
    expect(answers.filter(Boolean)).toHaveLength(10);
  });
});
