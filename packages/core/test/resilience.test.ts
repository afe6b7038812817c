import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  breakerKeyOf,
  type CircuitState,
  createCircuitBreaker,
  createEngine,
  createMemoryStore,
  createRetryBudget,
  PortOneCircuitOpenError,
  PortOneSystemError,
} from '../src/index.js';
import { scripted } from './support/script.js';

describe('retry budget (AWS standard-mode numbers)', () => {
  it('drains by 5 per retry and 10 per timeout retry, then refuses', async () => {
    const budget = createRetryBudget({ capacity: 20 }, createMemoryStore());
    expect(await budget.tryAcquire('timeout')).toBe(true);
    expect(await budget.available()).toBe(10);
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await budget.available()).toBe(0);
    expect(await budget.tryAcquire('retry')).toBe(false);
  });

  it('refills on success: the retries’ cost, or 1 for a call that needed none, never above capacity', async () => {
    const budget = createRetryBudget({}, createMemoryStore());
    expect(await budget.available()).toBe(500);
    await budget.tryAcquire('retry');
    await budget.tryAcquire('timeout');
    expect(await budget.available()).toBe(485);
    await budget.onSuccess(15);
    expect(await budget.available()).toBe(500);
    await budget.onSuccess(0);
    expect(await budget.available()).toBe(500);
    await budget.tryAcquire('retry');
    await budget.onSuccess(0);
    expect(await budget.available()).toBe(496);
  });

  it.each([
    [{ capacity: -1 }, 'budget.capacity'],
    [{ retryCost: 1.5 }, 'budget.retryCost'],
    [{ key: '' }, 'budget.key'],
    [{ size: 3 }, 'budget.size'],
  ])('%j throws a TypeError naming the option', (options, name) => {
    expect(() => createRetryBudget(options as never, createMemoryStore())).toThrow(name);
  });
});

describe('circuit breaker', () => {
  let now = 0;
  const clock = () => now;
  let changes: string[];
  const make = (options = {}) =>
    createCircuitBreaker(
      { threshold: 3, cooldownMs: 1000, ...options },
      createMemoryStore(clock),
      (c) => changes.push(`${c.from}→${c.to}`),
      clock,
    );

  beforeEach(() => {
    now = 1_000_000;
    changes = [];
  });

  it('opens after consecutive failures, fails fast, half-opens after the cool-down, closes on a good probe', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) {
      expect((await breaker.acquire('k')).allowed).toBe(true);
      await breaker.record('k', 'failure');
    }
    expect(changes).toEqual(['closed→open']);
    expect(await breaker.acquire('k')).toEqual({
      allowed: false,
      state: 'open',
      retryAfterMs: 1000,
    });
    now += 1000;
    expect(await breaker.acquire('k')).toMatchObject({ allowed: true, state: 'half-open' });
    expect((await breaker.acquire('k')).allowed).toBe(false); // one probe at a time
    await breaker.record('k', 'success');
    expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
    expect(await breaker.acquire('k')).toEqual({ allowed: true, state: 'closed' });
  });

  it('reopens on a failed probe with a longer cool-down', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await breaker.record('k', 'failure');
    now += 1000;
    await breaker.acquire('k');
    await breaker.record('k', 'failure');
    expect(changes.at(-1)).toBe('half-open→open');
    expect((await breaker.acquire('k')).retryAfterMs).toBe(2000);
  });

  it('a success between failures resets the count; failures outside the window do not add up', async () => {
    const breaker = make({ failureWindowMs: 500 });
    await breaker.record('k', 'failure');
    await breaker.record('k', 'failure');
    await breaker.record('k', 'success');
    await breaker.record('k', 'failure');
    await breaker.record('k', 'failure');
    now += 600;
    await breaker.record('k', 'failure');
    expect(changes).toEqual([]);
  });

  it('keys by endpoint template and PSP channel', () => {
    expect(breakerKeyOf('get', 'https://api.portone.cloud/api/transaction/ORDER-1/status')).toBe(
      'GET /api/transaction/:ref/status',
    );
    expect(breakerKeyOf('POST', 'https://api.portone.cloud/api/initiatePayment', 'STRIPE')).toBe(
      'POST /api/initiatePayment #STRIPE',
    );
  });
});

describe('engine with budget and breaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const settle = async <T>(promise: Promise<T>) => {
    const caught = promise.catch((error: Error) => error);
    await vi.runAllTimersAsync();
    return caught;
  };

  it('fails a retryable failure at once when the budget is spent, and says so', async () => {
    const engine = createEngine({ budget: { capacity: 10 } });
    const budgetEvents: number[] = [];
    engine.on('budget', (e) => budgetEvents.push(e.available));
    const first = scripted([{ code: 5024, http: 500 }], [], { kind: 'read' });
    await settle(engine.execute(first.operation));
    expect(first.sent()).toBe(3); // two retries paid (5 + 5), the third refused
    expect(budgetEvents).toEqual([0]);
    const second = scripted([{ code: 5024, http: 500 }], [], { kind: 'read' });
    const error = await settle(engine.execute(second.operation));
    expect(second.sent()).toBe(1);
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect((error as Error).message).toContain('retry budget is spent');
  });

  it('keeps retry amplification at or under 1.1× in a full outage', async () => {
    const engine = createEngine();
    let sent = 0;
    const calls = 1000;
    for (let i = 0; i < calls; i++) {
      const run = scripted([{ code: 5000, http: 500 }], [], { kind: 'read' });
      await settle(engine.execute(run.operation));
      sent += run.sent();
    }
    expect(sent / calls).toBeLessThanOrEqual(1.1);
  });

  it('opens the breaker on repeated 5xx, fails fast while open, emits circuit events; 4000/6000 never count', async () => {
    const engine = createEngine({
      breaker: { threshold: 3, cooldownMs: 10_000 },
      budget: false,
      policy: { retries: 0 },
    });
    const states: CircuitState[] = [];
    engine.on('circuit', (e) => states.push(e.to));
    for (let i = 0; i < 5; i++) {
      await settle(engine.execute(scripted([{ code: 6014 }], [], { kind: 'read' }).operation));
      await settle(engine.execute(scripted([{ code: 4001 }], [], { kind: 'read' }).operation));
    }
    expect(states).toEqual([]);
    for (let i = 0; i < 3; i++)
      await settle(
        engine.execute(scripted([{ code: 5024, http: 500 }], [], { kind: 'read' }).operation),
      );
    expect(states).toEqual(['open']);
    const blocked = scripted([{ code: 2000 }], [], { kind: 'read' });
    const error = await settle(engine.execute(blocked.operation));
    expect(error).toBeInstanceOf(PortOneCircuitOpenError);
    expect(blocked.sent()).toBe(0);
    vi.setSystemTime(Date.now() + 10_000);
    const probe = scripted([{ code: 2000 }], [], { kind: 'read' });
    expect(await settle(engine.execute(probe.operation))).toBe('answer:2000');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('never lets a broken store fail a payment', async () => {
    const broken = new Proxy(createMemoryStore(), {
      get: () => () => Promise.reject(new Error('store down')),
    });
    const engine = createEngine({ store: broken, breaker: true });
    const run = scripted([{ code: 5024, http: 500 }, { code: 2000 }], [], { kind: 'read' });
    expect(await settle(engine.execute(run.operation))).toBe('answer:2000');
  });

  it.each([
    [{ budget: 5 }, 'budget must be'],
    [{ breaker: 'yes' }, 'breaker must be'],
    [{ store: {} }, 'store must be'],
    [{ breaker: { threshold: 0 } }, 'breaker.threshold'],
  ])('%j throws a TypeError naming the option', (options, name) => {
    expect(() => createEngine(options as never)).toThrow(name);
  });
});
