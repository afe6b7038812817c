import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AttemptContext,
  createEngine,
  createMemoryStore,
  createPolicy,
  type Operation,
  PortOneAbortError,
  PortOneCardError,
  PortOneSystemError,
  PortOneTimeoutError,
  PortOneValidationError,
} from './support/internals.js';
import { record, settle } from './support/record.js';
import { scripted } from './support/script.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a first answer that is a plain success', () => {
  it('a 2000 that says the payment is pending, however it is spelled, is polled', async () => {
    for (const status of ['Pending', ' pending ']) {
      const engine = createEngine({ policy: { pollIntervalMs: 1, pollMaxIntervalMs: 1 } });
      const { operation, sent, looked } = scripted(
        [{ code: 2000, content: { status, order_ref: 'PO-1' } }],
        [{ payment: 'Success' }],
        { kind: 'read', method: 'GET' },
      );
      expect(await settle(engine.execute(operation))).toBe('status:Success');
      expect(sent()).toBe(1);
      expect(looked()).toBe(1);
    }
  });
});

describe('retries', () => {
  it('retries a 5024 read with full-jitter delays inside their bounds, then succeeds', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation, sent } = scripted(
      [{ code: 5024, http: 500 }, { code: 5024, http: 500 }, { code: 2000 }],
      [],
      { kind: 'read', method: 'GET' },
    );
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(sent()).toBe(3);
    const delays = log.filter((e) => e.event === 'retry').map((e) => e.payload.delayMs as number);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[0]).toBeLessThan(250);
    expect(delays[1]).toBeLessThan(500);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('emits events in order, each with operation id, attempt, elapsed, method and redacted url', async () => {
    const engine = createEngine({ random: () => 0.5 });
    const log = record(engine);
    const { operation } = scripted([{ code: 5024, http: 500 }, { code: 2000 }], [], {
      kind: 'read',
    });
    await settle(engine.execute(operation));
    expect(log.map((e) => e.event)).toEqual([
      'attempt',
      'response',
      'retry',
      'attempt',
      'response',
      'success',
    ]);
    const ids = new Set(log.map((e) => e.payload.operationId));
    expect(ids.size).toBe(1);
    expect(log[2]?.payload).toMatchObject({
      attempt: 1,
      delayMs: 125,
      method: 'POST',
      orderRef: 'ORDER-1',
    });
    expect(log[2]?.payload.error).toBeInstanceOf(PortOneSystemError);
    expect(log[5]?.payload).toMatchObject({ attempts: 2 });
    for (const { payload } of log) {
      expect(payload.url).toBe('https://api.portone.cloud/api/initiatePayment?key=[REDACTED]');
      expect(typeof payload.elapsedMs).toBe('number');
    }
  });

  it.each([
    ['validation 4001', [{ code: 4001 }], PortOneValidationError, 1],
    ['card 6014', [{ code: 6014 }], PortOneCardError, 1],
    ['system 5024, retries spent', [{ code: 5024, http: 500 }], PortOneSystemError, 4],
    ['config 5022', [{ code: 5022, http: 500 }], PortOneSystemError, 1],
  ] as const)('%s: attempts made per series', async (_name, steps, Class, attempts) => {
    const engine = createEngine();
    const { operation, sent } = scripted([...steps], [], { kind: 'read' });
    const error = await settle(engine.execute(operation));
    expect(error).toBeInstanceOf(Class);
    expect((error as PortOneSystemError).attempts).toBe(attempts);
    expect(sent()).toBe(attempts);
  });

  it('follows per-code and per-call overrides', async () => {
    const engine = createEngine({ policy: { codes: { 5024: { retries: 1 } } } });
    const first = scripted([{ code: 5024, http: 500 }], [], { kind: 'read' });
    await settle(engine.execute(first.operation));
    expect(first.sent()).toBe(2);
    const second = scripted([{ code: 5001, http: 400 }, { code: 2000 }], [], {
      kind: 'read',
      policy: { codes: { 5001: { outcome: 'retry' } } },
    });
    expect(await settle(engine.execute(second.operation))).toBe('answer:2000');
    expect(second.sent()).toBe(2);
  });

  it('lets Retry-After win over the computed backoff', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation } = scripted(
      [{ code: 5024, http: 503, retryAfter: '3' }, { code: 2000 }],
      [],
      { kind: 'read' },
    );
    await settle(engine.execute(operation));
    expect(log.find((e) => e.event === 'retry')?.payload.delayMs).toBe(3000);
  });

  it('cuts retries short at the deadline', async () => {
    const engine = createEngine({
      policy: { deadlineMs: 1000, retries: 10, minDelayMs: 400, maxDelayMs: 400 },
      random: () => 0.99,
    });
    const { operation, sent } = scripted([{ code: 5024, http: 500 }], [], { kind: 'read' });
    const error = await settle(engine.execute(operation));
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect(sent()).toBeLessThanOrEqual(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out a hanging attempt and retries a read', async () => {
    const engine = createEngine({ policy: { attemptTimeoutMs: 100 } });
    const { operation, sent } = scripted([{ hang: true }, { code: 2000 }], [], { kind: 'read' });
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(sent()).toBe(2);
  });

  it('fails at the overall deadline with a PortOneTimeoutError', async () => {
    const engine = createEngine({ policy: { attemptTimeoutMs: 5000, deadlineMs: 2000 } });
    const { operation } = scripted([{ hang: true }], [], { kind: 'read' });
    const error = await settle(engine.execute(operation));
    expect(error).toBeInstanceOf(PortOneTimeoutError);
    expect((error as PortOneTimeoutError).phase).toBe('deadline');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times the deadline from the start of the call, through attempts shorter than it', async () => {
    const engine = createEngine({
      policy: {
        attemptTimeoutMs: 300,
        deadlineMs: 1000,
        retries: 10,
        minDelayMs: 1,
        maxDelayMs: 1,
      },
    });
    const { operation, sent } = scripted([{ hang: true }], [], { kind: 'read' });
    const started = Date.now();
    const error = (await settle(engine.execute(operation))) as PortOneTimeoutError;
    expect(error).toBeInstanceOf(PortOneTimeoutError);
    expect(error.phase).toBe('deadline');
    // Attempts at 0, ~300, ~600 and ~900 ms; the fourth is cut at 1000 ms, not at 900 + 1000.
    expect(sent()).toBe(4);
    expect(Date.now() - started).toBe(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails an ambiguous attempt timeout of a capture with phase attempt, without re-sending', async () => {
    const engine = createEngine({ policy: { attemptTimeoutMs: 100 } });
    const { operation, sent } = scripted([{ hang: true }, { code: 2000 }], [], {
      kind: 'money-move',
    });
    const error = (await settle(engine.execute(operation))) as PortOneTimeoutError;
    expect(error).toBeInstanceOf(PortOneTimeoutError);
    expect(error).toMatchObject({ phase: 'attempt', timeoutMs: 100, ambiguous: true });
    expect(sent()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-sends a request that never left, for every kind', async () => {
    for (const kind of ['create', 'read', 'money-move'] as const) {
      const engine = createEngine();
      const { operation, sent } = scripted([{ throws: refused() }, { code: 2000 }], [], { kind });
      expect(await settle(engine.execute(operation))).toBe('answer:2000');
      expect(sent()).toBe(2);
    }
  });

  it('surfaces a card decline with its customer message, without retrying', async () => {
    const engine = createEngine({ policy: { customerMessages: { 6014: 'Try another card.' } } });
    const log = record(engine);
    const { operation, sent } = scripted([{ code: 6014 }, { code: 2000 }]);
    const error = (await settle(engine.execute(operation))) as PortOneCardError;
    expect(error).toBeInstanceOf(PortOneCardError);
    expect(error.customerMessage).toBe('Try another card.');
    expect(sent()).toBe(1);
    expect(log.map((e) => e.event)).toEqual(['attempt', 'response', 'surface', 'failure']);
    expect(log[2]?.payload).toMatchObject({ customerMessage: 'Try another card.', error });
  });

  it('gives every call its own operation id', async () => {
    const engine = createEngine();
    const ids = new Set<unknown>();
    engine.on('success', (e) => ids.add(e.operationId));
    for (let i = 0; i < 3; i++) {
      await settle(engine.execute(scripted([{ code: 2000 }], [], { kind: 'read' }).operation));
    }
    expect(ids.size).toBe(3);
  });

  it('takes a ready-made policy, and layers per-call overrides on it', async () => {
    const policy = createPolicy({ retries: 0 });
    const engine = createEngine({ policy });
    expect(engine.policy).toBe(policy);
    const once = scripted([{ code: 5024, http: 500 }, { code: 2000 }], [], { kind: 'read' });
    expect(await settle(engine.execute(once.operation))).toBeInstanceOf(PortOneSystemError);
    expect(once.sent()).toBe(1);
    const twice = scripted([{ code: 5024, http: 500 }, { code: 2000 }], [], {
      kind: 'read',
      policy: { retries: 1 },
    });
    expect(await settle(engine.execute(twice.operation))).toBe('answer:2000');
    expect(twice.sent()).toBe(2);
  });

  it("uses a ready policy given per call as it is, in place of the engine's", async () => {
    const engine = createEngine({ policy: { retries: 0 } });
    const ready = createPolicy({ retries: 2 });
    const withReady = scripted([{ code: 5024, http: 500 }, { code: 2000 }], [], {
      kind: 'read',
      policy: ready,
    });
    expect(await settle(engine.execute(withReady.operation))).toBe('answer:2000');
    expect(withReady.sent()).toBe(2);
    const derived = engine.policy.with({ retries: 1 });
    const withDerived = scripted(
      [{ code: 5024, http: 500 }, { code: 5024, http: 500 }, { code: 2000 }],
      [],
      { kind: 'read', policy: derived },
    );
    expect(await settle(engine.execute(withDerived.operation))).toBeInstanceOf(PortOneSystemError);
    expect(withDerived.sent()).toBe(2);
  });

  it('keeps the call alive when a listener throws', async () => {
    const engine = createEngine();
    engine.on('attempt', () => {
      throw new Error('listener bug');
    });
    const seen: number[] = [];
    engine.on('attempt', (e) => seen.push(e.attempt));
    const { operation } = scripted([{ code: 2000 }], [], { kind: 'read' });
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(seen).toEqual([1]);
  });

  it('unsubscribes with the function on() returns', async () => {
    const engine = createEngine();
    const seen: number[] = [];
    const off = engine.on('attempt', (e) => seen.push(e.attempt));
    off();
    await settle(engine.execute(scripted([{ code: 2000 }], [], { kind: 'read' }).operation));
    expect(seen).toEqual([]);
  });
});

describe('abort', () => {
  it('rejects promptly during an attempt, emits failure, leaves no timer', async () => {
    const engine = createEngine();
    const log = record(engine);
    const controller = new AbortController();
    const { operation } = scripted([{ hang: true }], [], {
      kind: 'read',
      signal: controller.signal,
    });
    const pending = engine.execute(operation).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error('customer left'));
    const error = await pending;
    expect(error).toBeInstanceOf(PortOneAbortError);
    expect((error as Error).cause).toEqual(new Error('customer left'));
    expect(log.at(-1)?.event).toBe('failure');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects promptly during a wait between attempts', async () => {
    const engine = createEngine({
      policy: { minDelayMs: 5000, maxDelayMs: 5000 },
      random: () => 0.9,
    });
    const controller = new AbortController();
    const { operation, sent } = scripted([{ code: 5024, http: 500 }], [], {
      kind: 'read',
      signal: controller.signal,
    });
    const pending = engine.execute(operation).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent()).toBe(1);
    controller.abort();
    expect(await pending).toBeInstanceOf(PortOneAbortError);
    expect(sent()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends with the caller's abort when it comes as an attempt times out, and sends nothing more", async () => {
    const engine = createEngine({
      policy: { attemptTimeoutMs: 100, minDelayMs: 0, maxDelayMs: 0 },
    });
    const controller = new AbortController();
    let sent = 0;
    const pending = engine
      .execute({
        method: 'GET',
        url: 'https://api.portone.cloud/api/transaction/T-1/status',
        kind: 'read',
        signal: controller.signal,
        send: ({ signal }) => {
          sent++;
          // The caller gives up in the same turn as the attempt's own timeout fires.
          signal.addEventListener('abort', () => controller.abort(new Error('customer left')));
          return new Promise<never>(() => {});
        },
      })
      .catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(100);
    const error = await pending;
    expect(error).toBeInstanceOf(PortOneAbortError);
    expect((error as Error).cause).toEqual(new Error('customer left'));
    expect(sent).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never starts a call whose signal is already aborted', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted([{ code: 2000 }], [], {
      kind: 'read',
      signal: AbortSignal.abort(),
    });
    expect(await settle(engine.execute(operation))).toBeInstanceOf(PortOneAbortError);
    expect(sent()).toBe(0);
  });
});

describe('operation.onFailure', () => {
  it('sees the error a call rejects with, once, after the failure event', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation } = scripted([{ code: 6014, http: 200 }], [], { kind: 'read' });
    const seen: unknown[] = [];
    const error = await settle(
      engine.execute({
        ...operation,
        onFailure: (e) => {
          seen.push([e, log.at(-1)?.event]);
        },
      }),
    );
    expect(error).toBeInstanceOf(PortOneCardError);
    expect(seen).toEqual([[error, 'failure']]);
  });

  it('is not called for a success, and one that throws cannot change the outcome', async () => {
    const engine = createEngine();
    let calls = 0;
    const ok = scripted([{ code: 2000 }], [], { kind: 'read' }).operation;
    expect(await settle(engine.execute({ ...ok, onFailure: () => void calls++ }))).toBe(
      'answer:2000',
    );
    expect(calls).toBe(0);
    const failing = scripted([{ code: 4001, http: 400 }], [], { kind: 'read' }).operation;
    const error = await settle(
      engine.execute({
        ...failing,
        onFailure: () => {
          calls++;
          throw new Error('adapter bug');
        },
      }),
    );
    expect(error).toBeInstanceOf(PortOneValidationError);
    expect(calls).toBe(1);
  });
});

describe('options', () => {
  it('rejects bad engine options and operations with a TypeError naming them', async () => {
    expect(() => createEngine({ random: 5 } as never)).toThrow('random must be a function');
    expect(() => createEngine({ budgets: 1 } as never)).toThrow('budgets is not an engine option');
    expect(() => createEngine({ policy: { retries: -1 } })).toThrow('policy.retries');
    const engine = createEngine();
    await expect(
      engine.execute({ method: 'GET', url: 'x', kind: 'read' } as never),
    ).rejects.toThrow('operation.send');
  });
});

describe("a call's first attempt", () => {
  /** An operation whose first attempt goes through `sendTo`, and later ones through `send`. */
  it('tells the transport its number and timeout, gives one signal, and aborts it at the timeout', async () => {
    const engine = createEngine({ policy: { attemptTimeoutMs: 700 } });
    const seen: AttemptContext[] = [];
    const operation: Operation<string> = {
      method: 'GET',
      url: 'https://api.portone.cloud/api/transaction/PO-1/status',
      kind: 'read',
      send: (context) => {
        seen.push(context);
        if (seen.length === 1) return new Promise(() => {});
        return Promise.resolve({
          httpStatus: 200,
          headers: {},
          body: { status_code: '2000', status_reason: 'SUCCESS' },
          raw: 'answer:2000',
        });
      },
    };
    const call = engine.execute(operation);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(1);
    const [first] = seen;
    expect(first).toMatchObject({ attempt: 1, timeoutMs: 700 });
    expect(first?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(700);
    expect(first?.signal.aborted).toBe(true);
    expect(first?.signal.reason).toMatchObject({ name: 'AttemptTimeout' });
    expect(await settle(call)).toBe('answer:2000');
    expect(seen.map((context) => context.attempt)).toEqual([1, 2]);
  });

  it('made only when its first answer fails, a call still times itself from its real start', async () => {
    let clock = 10_000;
    const engine = createEngine({ now: () => clock });
    // A failure listener leaves the first attempt unobserved: the call is made after it.
    const failures = vi.fn();
    engine.on('failure', failures);
    const { operation } = scripted([{ code: 4001 }], [], { kind: 'read', method: 'GET' });
    const slow: Operation<string> = {
      ...operation,
      send: async (context) => {
        clock += 750;
        return operation.send(context);
      },
    };
    const error = await settle(engine.execute(slow));
    expect(error).toBeInstanceOf(PortOneValidationError);
    expect((error as PortOneValidationError).attempts).toBe(1);
    expect(failures).toHaveBeenCalledTimes(1);
    expect(failures.mock.calls[0]?.[0]).toMatchObject({ attempt: 1, elapsedMs: 750 });
  });

  it('unobserved, a plain success still refunds the retry budget', async () => {
    const store = createMemoryStore();
    const refund = vi.spyOn(store, 'refund');
    const engine = createEngine({ store });
    const { operation } = scripted([{ code: 2000 }], [], { kind: 'read', method: 'GET' });
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(refund).toHaveBeenCalledTimes(1);
  });

  it('a listener to failures only leaves a success unobserved; one to attempts sees attempt 1', async () => {
    const engine = createEngine();
    const failures = vi.fn();
    engine.on('failure', failures);
    const quiet = scripted([{ code: 2000 }], [], { kind: 'read', method: 'GET' });
    expect(await settle(engine.execute(quiet.operation))).toBe('answer:2000');
    expect(failures).not.toHaveBeenCalled();

    const attempts = vi.fn();
    engine.on('attempt', attempts);
    const seen = scripted([{ code: 2000 }], [], { kind: 'read', method: 'GET' });
    expect(await settle(engine.execute(seen.operation))).toBe('answer:2000');
    expect(attempts).toHaveBeenCalledTimes(1);
    expect(attempts.mock.calls[0]?.[0]).toMatchObject({ attempt: 1, method: 'GET' });
  });

  it('times a hung attempt out under fake timers that replace setTimeout and not the clock', async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const engine = createEngine({ policy: { attemptTimeoutMs: 1000, retries: 0 } });
    const { operation, sent } = scripted([{ hang: true }], [], { kind: 'read', method: 'GET' });
    const call = engine.execute(operation).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await call).toBeInstanceOf(PortOneTimeoutError);
  });
});

describe('async context', () => {
  it("a timed-out first attempt goes on in its own call's AsyncLocalStorage context", async () => {
    vi.useRealTimers();
    const als = new AsyncLocalStorage<string>();
    const engine = createEngine({ policy: { attemptTimeoutMs: 30, minDelayMs: 1, maxDelayMs: 1 } });
    const seen: string[] = [];
    engine.on('retry', () => seen.push(als.getStore() ?? 'none'));
    const hangOnce = (): Operation<string> => {
      let sent = 0;
      return {
        method: 'GET',
        url: 'https://api.portone.cloud/api/transaction/PO-1/status',
        kind: 'read',
        send: () => {
          sent++;
          if (sent === 1) return new Promise(() => {});
          return Promise.resolve({
            httpStatus: 200,
            headers: {},
            body: { status_code: '2000', status_reason: 'SUCCESS' },
            raw: `ok:${als.getStore()}`,
          });
        },
      };
    };
    // A starts first; B starts later, so B's attempt times out after A's.
    const a = als.run('A', () => engine.execute(hangOnce()));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const b = als.run('B', () => engine.execute(hangOnce()));
    expect(await Promise.all([a, b])).toEqual(['ok:A', 'ok:B']);
    expect(seen).toEqual(['A', 'B']);
  });
});
