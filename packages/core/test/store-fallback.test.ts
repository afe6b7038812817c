import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCircuitBreaker,
  createMemoryStore,
  createRetryBudget,
  type ResilienceStore,
  type StoreHealthEvent,
  StoreTimeoutError,
} from '../src/resilience/index.js';

const KEY = 'POST /api/initiatePayment @MOMOPAY';

type Mode = 'up' | 'frozen' | 'failing' | 'late-failing';

/**
 * A remote store that can be frozen (never answers, as a SIGSTOPped Redis), failing (rejects at
 * once), or late-failing (rejects after 10 s, after the decision was made). Counts the calls.
 */
function remoteStore() {
  const inner = createMemoryStore();
  let mode: Mode = 'up';
  let calls = 0;
  const wrap =
    <A extends unknown[], R>(method: (...args: A) => R) =>
    (...args: A): Promise<Awaited<R>> => {
      calls += 1;
      if (mode === 'frozen') return new Promise(() => {});
      if (mode === 'failing') return Promise.reject(new Error('ECONNREFUSED'));
      if (mode === 'late-failing') {
        return new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 10_000));
      }
      return Promise.resolve(method(...args)) as Promise<Awaited<R>>;
    };
  const store: ResilienceStore = {
    take: wrap(inner.take),
    refund: wrap(inner.refund),
    tokens: wrap(inner.tokens),
    recordOutcome: wrap(inner.recordOutcome),
    clearOutcomes: wrap(inner.clearOutcomes),
    readCircuit: wrap(inner.readCircuit),
    writeCircuit: wrap(inner.writeCircuit),
  };
  return {
    store,
    set: (next: Mode) => {
      mode = next;
    },
    calls: () => calls,
  };
}

/** `promise`'s value if it settles without the fake clock moving, else 'pending'. */
async function now<T>(promise: Promise<T>): Promise<T | 'pending'> {
  let settled = false;
  let value: T | undefined;
  promise.then((v) => {
    settled = true;
    value = v;
  });
  await vi.advanceTimersByTimeAsync(0);
  return settled ? (value as T) : 'pending';
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retry budget over a store that stops answering', () => {
  it('decides from its local bucket after storeTimeoutMs, and says so once', async () => {
    const remote = remoteStore();
    const health: StoreHealthEvent[] = [];
    const budget = createRetryBudget(
      { storeTimeoutMs: 100, onStoreHealth: (event) => health.push(event) },
      remote.store,
    );
    remote.set('frozen');
    const answer = budget.tryAcquire('retry');
    await vi.advanceTimersByTimeAsync(99);
    expect(await now(answer)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toBe(true);
    expect(health).toEqual([
      { component: 'budget', state: 'fallback', error: new StoreTimeoutError(100) },
    ]);

    // Falling back, it no longer waits: the local bucket answers at once, and pays for no
    // more than it holds (10 retries, one taken above).
    let granted = 0;
    for (let i = 0; i < 12; i++) if (await now(budget.tryAcquire('retry'))) granted += 1;
    expect(granted).toBe(9);
    expect(health).toHaveLength(1);
  });

  it('reports the recovery once the store answers again, and uses it from then on', async () => {
    const remote = remoteStore();
    const health: string[] = [];
    const budget = createRetryBudget(
      { onStoreHealth: (event) => health.push(`${event.component} ${event.state}`) },
      remote.store,
    );
    remote.set('failing');
    expect(await budget.tryAcquire('timeout')).toBe(true);
    expect(await budget.available()).toBe(8);
    remote.set('up');
    // This call is answered locally while it finds out that the store is back.
    expect(await budget.available()).toBe(8);
    await vi.advanceTimersByTimeAsync(0);
    expect(health).toEqual(['budget fallback', 'budget recovered']);
    // The store's own bucket was never charged.
    expect(await budget.available()).toBe(10);
  });

  it('decides locally at once when the call’s signal aborts, without blaming the store', async () => {
    const remote = remoteStore();
    const health: StoreHealthEvent[] = [];
    const budget = createRetryBudget({ onStoreHealth: (e) => health.push(e) }, remote.store);
    remote.set('frozen');
    const controller = new AbortController();
    const answer = budget.tryAcquire('retry', controller.signal);
    controller.abort();
    expect(await now(answer)).toBe(true);
    expect(await budget.tryAcquire('retry', AbortSignal.abort())).toBe(true);
    expect(health).toEqual([]);
  });

  it('drops a store answer that comes after the decision, with no unhandled rejection', async () => {
    const remote = remoteStore();
    const budget = createRetryBudget({ storeTimeoutMs: 50 }, remote.store);
    remote.set('late-failing');
    const answer = budget.tryAcquire('retry');
    await vi.advanceTimersByTimeAsync(50);
    expect(await answer).toBe(true);
    // The store rejects 10 s later; vitest fails the run on an unhandled rejection.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind once the store answers', async () => {
    const remote = remoteStore();
    const budget = createRetryBudget({}, remote.store);
    expect(await budget.tryAcquire('retry')).toBe(true);
    await budget.onSuccess('retry');
    expect(await budget.available()).toBe(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts no timer over the in-process memory store', async () => {
    const budget = createRetryBudget({}, createMemoryStore());
    const answer = budget.tryAcquire('retry');
    expect(vi.getTimerCount()).toBe(0);
    expect(await answer).toBe(true);
  });

  it('rejects a bad storeTimeoutMs or onStoreHealth with a TypeError naming it', () => {
    expect(() => createRetryBudget({ storeTimeoutMs: 0 })).toThrow(/budget.storeTimeoutMs/);
    expect(() => createRetryBudget({ onStoreHealth: 'log' as never })).toThrow(
      /budget.onStoreHealth must be a function/,
    );
  });

  it('keeps deciding when the health listener throws', async () => {
    const remote = remoteStore();
    const budget = createRetryBudget(
      {
        onStoreHealth: () => {
          throw new Error('listener bug');
        },
      },
      remote.store,
    );
    remote.set('failing');
    expect(await budget.tryAcquire('retry')).toBe(true);
  });
});

describe('circuit breaker over a store that stops answering', () => {
  function setup(storeTimeoutMs = 100) {
    const remote = remoteStore();
    const health: string[] = [];
    const changes: string[] = [];
    let t = Date.UTC(2026, 10, 24, 12);
    const breaker = createCircuitBreaker(
      {
        failureThreshold: 5,
        storeTimeoutMs,
        now: () => t,
        onStoreHealth: (e) => health.push(`${e.component} ${e.state}`),
        onStateChange: (c) => changes.push(`${c.scope} ${c.to}`),
      },
      remote.store,
    );
    return { remote, breaker, health, changes, advance: (ms: number) => (t += ms) };
  }

  it('answers from the node’s own breaker after storeTimeoutMs, and says so once', async () => {
    const { remote, breaker, health } = setup();
    remote.set('frozen');
    const permit = breaker.acquire(KEY);
    await vi.advanceTimersByTimeAsync(99);
    expect(await now(permit)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await permit).toEqual({ allowed: true, state: 'closed' });
    const recorded = breaker.record(KEY, 'success');
    expect(await now(recorded)).toBeUndefined();
    expect(health).toEqual(['breaker fallback']);
  });

  it('opens the node’s own breaker on its own failures while the store is down', async () => {
    const { remote, breaker, changes, health, advance } = setup();
    remote.set('failing');
    for (let i = 0; i < 5; i++) await breaker.record(KEY, 'failure');
    expect(changes).toEqual(['node open']);
    expect(await breaker.acquire(KEY)).toEqual({
      allowed: false,
      state: 'open',
      retryAfterMs: 30_000,
    });
    remote.set('up');
    advance(30_000);
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
    await breaker.record(KEY, 'success');
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual(['node open', 'node half-open', 'node closed']);
    expect(health).toEqual(['breaker fallback', 'breaker recovered']);
  });

  it('decides locally when the call’s signal aborts, without blaming the store', async () => {
    const { remote, breaker, health } = setup();
    remote.set('frozen');
    const signal = AbortSignal.abort();
    expect(await breaker.acquire(KEY, signal)).toEqual({ allowed: true, state: 'closed' });
    expect(await now(breaker.record(KEY, 'failure', signal))).toBeUndefined();
    expect(health).toEqual([]);
    expect(remote.calls()).toBe(0);
  });

  it('drops late store answers without an unhandled rejection', async () => {
    const { remote, breaker } = setup(20);
    remote.set('late-failing');
    const permit = breaker.acquire(KEY);
    await vi.advanceTimersByTimeAsync(20);
    expect(await permit).toEqual({ allowed: true, state: 'closed' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
