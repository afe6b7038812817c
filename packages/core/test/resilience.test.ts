import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CircuitState,
  createEngine,
  createMemoryStore,
  PortOneCircuitOpenError,
  PortOneSystemError,
} from './support/internals.js';
import { scripted } from './support/script.js';

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
    const engine = createEngine({ budget: { capacity: 2 } });
    const budgetEvents: number[] = [];
    engine.on('budget', (e) => budgetEvents.push(e.available));
    const first = scripted([{ code: 5024, http: 500 }], [], { kind: 'read' });
    await settle(engine.execute(first.operation));
    expect(first.sent()).toBe(3); // two retries paid (1 + 1), the third refused
    expect(budgetEvents).toEqual([0]);
    const second = scripted([{ code: 5024, http: 500 }], [], { kind: 'read' });
    const error = await settle(engine.execute(second.operation));
    expect(second.sent()).toBe(1);
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect((error as Error).message).toContain('retry budget is spent');
  });

  /** Runs `calls` reads of a full outage (every answer 5000) on `engine`; counts what was sent. */
  async function outage(engine: ReturnType<typeof createEngine>, calls: number) {
    let sent = 0;
    let sentInFirst100 = 0;
    let refused = 0;
    for (let i = 0; i < calls; i++) {
      const run = scripted([{ code: 5000, http: 500 }], [], { kind: 'read' });
      if ((await settle(engine.execute(run.operation))) instanceof PortOneCircuitOpenError)
        refused++;
      sent += run.sent();
      if (i === 99) sentInFirst100 = sent;
    }
    return { sent, sentInFirst100, refused };
  }

  it('keeps a full outage at or under 1.5 requests per call over the first 100 calls and 1.1 by 1,000, with the defaults', async () => {
    const { sent, sentInFirst100, refused } = await outage(createEngine(), 1000);
    // 20 failed calls in a row open the breaker; until then the budget paid for 10 retries.
    expect(sentInFirst100).toBe(30);
    expect(sent).toBe(30);
    expect(refused).toBe(980);
  });

  it('with the breaker off, the budget alone keeps a full outage at 1.1 requests per call', async () => {
    const { sent, sentInFirst100, refused } = await outage(createEngine({ breaker: false }), 1000);
    // The default bucket pays for 10 retries in all: 110 requests for the first 100 calls.
    expect(sentInFirst100).toBe(110);
    expect(sent).toBe(1010);
    expect(refused).toBe(0);
  });

  it('opens the breaker on repeated 5xx, fails fast while open, emits circuit events; 4000/6000 never count', async () => {
    const engine = createEngine({
      breaker: { failureThreshold: 3, openMs: 10_000 },
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
    ['never settles', () => new Promise<void>(() => {})],
    ['rejects', () => Promise.reject(new Error('store down'))],
    [
      'throws',
      () => {
        throw new Error('store down');
      },
    ],
    ['returns no promise', () => undefined as unknown as Promise<void>],
  ])(
    'resolves a success without waiting for its budget refund, which %s',
    async (_name, refund) => {
      const store = createMemoryStore();
      const refunds = vi.fn(refund);
      const engine = createEngine({ store: { ...store, refund: refunds } });
      const unhandled = vi.fn();
      process.on('unhandledRejection', unhandled);
      try {
        const run = scripted([{ code: 2000 }], [], { kind: 'read' });
        expect(await settle(engine.execute(run.operation))).toBe('answer:2000');
        expect(refunds).toHaveBeenCalledTimes(1);
        for (let i = 0; i < 3; i++) await new Promise((resolve) => process.nextTick(resolve));
        expect(unhandled).not.toHaveBeenCalled();
      } finally {
        process.off('unhandledRejection', unhandled);
      }
    },
  );

  it.each([
    [{ budget: 5 }, 'budget must be'],
    [{ breaker: 'yes' }, 'breaker must be'],
    [{ store: {} }, 'store must be a ResilienceStore'],
    [{ breaker: { failureThreshold: 0 } }, 'failureThreshold'],
    [{ budget: { storeTimeoutMs: 30_000 } }, 'budget.storeTimeoutMs (30000) must be below'],
    [
      { breaker: { storeTimeoutMs: 5_000 }, policy: { deadlineMs: 5_000 } },
      'breaker.storeTimeoutMs (5000) must be below policy.deadlineMs (5000)',
    ],
  ])('%j throws a TypeError naming the option', (options, name) => {
    expect(() => createEngine(options as never)).toThrow(TypeError);
    expect(() => createEngine(options as never)).toThrow(name);
  });

  it('takes a store time limit below the deadline', () => {
    expect(() =>
      createEngine({ budget: { storeTimeoutMs: 29_999 }, breaker: { storeTimeoutMs: 200 } }),
    ).not.toThrow();
  });
});
