import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createEngine,
  PortOneAuthenticationError,
  PortOneCardError,
  type PortOneError,
  PortOneNetworkError,
  PortOnePendingTimeoutError,
  PortOneSystemError,
  PortOneTimeoutError,
  PortOneValidationError,
} from './support/internals.js';
import { record, settle } from './support/record.js';
import { scripted } from './support/script.js';

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  // Every call below has settled by now: none may leave a timer behind.
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

describe('polling a pending payment', () => {
  it('settles after N polls, on a growing, capped schedule', async () => {
    const engine = createEngine({
      random: () => 0.5,
      policy: { pollIntervalMs: 1000, pollMaxIntervalMs: 2000 },
    });
    const log = record(engine);
    const { operation, sent, looked } = scripted(
      [{ code: 1000 }],
      [
        { payment: 'Pending' },
        { payment: 'Pending' },
        { payment: 'Pending' },
        { payment: 'Success' },
      ],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(1);
    expect(looked()).toBe(4);
    const polls = log.filter((e) => e.event === 'poll').map((e) => e.payload);
    expect(polls.map((p) => p.polls)).toEqual([0, 1, 2, 3]);
    expect(polls.map((p) => p.delayMs)).toEqual([1000, 1500, 2000, 2000]);
    expect(polls.every((p) => p.status === 'Pending' && p.orderRef === 'ORDER-1')).toBe(true);
    expect(log.at(-1)?.event).toBe('success');
  });

  it('jitters each poll by ±20 %', async () => {
    for (const [random, first] of [
      [0, 800],
      [0.999_999, 1200],
    ] as const) {
      const engine = createEngine({ random: () => random });
      const log = record(engine);
      const { operation } = scripted([{ code: 1000 }], [{ payment: 'Success' }]);
      await settle(engine.execute(operation));
      expect(log.find((e) => e.event === 'poll')?.payload.delayMs).toBe(first);
    }
  });

  it('gives up at the poll deadline with everything needed to reconcile later', async () => {
    const engine = createEngine({ policy: { pollDeadlineMs: 10_000 } });
    const log = record(engine);
    const { operation, looked } = scripted([{ code: 1000 }], [{ payment: 'Pending' }]);
    const error = (await settle(engine.execute(operation))) as PortOnePendingTimeoutError;
    expect(error).toBeInstanceOf(PortOnePendingTimeoutError);
    expect(error).toMatchObject({ orderRef: 'ORDER-1', lastStatus: 'Pending', attempts: 1 });
    expect(error.elapsedMs).toBeGreaterThanOrEqual(10_000);
    expect(error.message).toContain('ORDER-1');
    expect(looked()).toBeGreaterThan(2);
    expect(log.at(-1)).toMatchObject({ event: 'failure', payload: { error } });
  });

  it('keeps polling through a status lookup that fails in transit', async () => {
    const engine = createEngine();
    const { operation, looked } = scripted(
      [{ code: 1000 }],
      [{ payment: 'Pending' }, { throws: reset() }, { payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(looked()).toBe(3);
  });

  it('throws a customer-facing decline when the payment fails', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation } = scripted([{ code: 1000 }], [{ payment: 'Failed' }]);
    const error = (await settle(engine.execute(operation))) as PortOneCardError;
    expect(error).toBeInstanceOf(PortOneCardError);
    expect(error.code).toBeUndefined();
    expect(error.orderRef).toBe('ORDER-1');
    const surface = log.find((e) => e.event === 'surface')?.payload;
    expect(surface?.customerMessage).toBe(error.customerMessage);
    expect(typeof surface?.customerMessage).toBe('string');
  });

  it('keeps the card code of a failed payment when the answer carries one', async () => {
    const engine = createEngine();
    const { operation } = scripted([{ code: 1000 }], [{ payment: 'Failed', code: 6014 }]);
    const error = (await settle(engine.execute(operation))) as PortOneCardError;
    expect(error).toBeInstanceOf(PortOneCardError);
    expect(error.code).toBe(6014);
  });

  it('throws 4072 TRANSACTION_EXPIRED when the payment expires', async () => {
    const engine = createEngine();
    const { operation } = scripted([{ code: 1000 }], [{ payment: 'Expired' }]);
    const error = (await settle(engine.execute(operation))) as PortOneValidationError;
    expect(error).toBeInstanceOf(PortOneValidationError);
    expect(error.code).toBe(4072);
  });

  it('polls a read without a status check by sending it again', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted([{ code: 1000 }, { code: 1000 }, { code: 2000 }], [], {
      kind: 'read',
      method: 'GET',
      checkStatus: undefined,
    });
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(sent()).toBe(3);
  });

  it('does not lose a pending create it cannot follow: it fails at once, with the order ref', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted([{ code: 1000 }], [], { checkStatus: undefined });
    const error = (await settle(engine.execute(operation))) as PortOnePendingTimeoutError;
    expect(error).toBeInstanceOf(PortOnePendingTimeoutError);
    expect(error.orderRef).toBe('ORDER-1');
    expect(sent()).toBe(1);
  });
});

describe('reconciling an ambiguous create', () => {
  it('found Success → followed, never re-sent', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation, sent, looked } = scripted([{ throws: reset() }], [{ payment: 'Success' }]);
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(1);
    expect(looked()).toBe(1);
    expect(log.find((e) => e.event === 'reconcile')?.payload).toMatchObject({
      found: true,
      action: 'follow',
      orderRef: 'ORDER-1',
      status: 'Success',
    });
  });

  it('found Pending → polled until it settles, never re-sent', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation, sent, looked } = scripted(
      [{ throws: reset() }],
      [{ payment: 'Pending' }, { payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(1);
    expect(looked()).toBe(2);
    expect(log.filter((e) => e.event === 'poll').length).toBeGreaterThan(0);
  });

  it('found Failed → the decline is thrown, never re-sent', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted(
      [{ throws: reset() }, { code: 2000 }],
      [{ payment: 'Failed' }],
    );
    expect(await settle(engine.execute(operation))).toBeInstanceOf(PortOneCardError);
    expect(sent()).toBe(1);
  });

  it('not found → re-sent once', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation, sent } = scripted(
      [{ throws: reset() }, { code: 2000 }],
      [{ notFound: true }],
    );
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(sent()).toBe(2);
    expect(log.map((e) => e.event)).toEqual([
      'attempt',
      'response',
      'lookup',
      'reconcile',
      'retry',
      'attempt',
      'response',
      'success',
    ]);
    expect(log.find((e) => e.event === 'reconcile')?.payload).toMatchObject({
      found: false,
      action: 'resend',
    });
    expect(log.find((e) => e.event === 'lookup')?.payload).toMatchObject({
      purpose: 'reconcile',
      orderRef: 'ORDER-1',
    });
  });

  it.each([
    ['an attempt timeout', { hang: true } as const],
    ['a proxy 502 with an HTML body', { proxy: 502 } as const],
    ['a retryable 5024 answer', { code: 5024, http: 500 } as const],
  ])('looks the payment up after %s before anything is re-sent', async (_name, step) => {
    const engine = createEngine({ policy: { attemptTimeoutMs: 100 } });
    const { operation, sent, looked } = scripted([step], [{ payment: 'Success' }]);
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(1);
    expect(looked()).toBe(1);
  });

  it('re-sends a create that surely never left without looking it up', async () => {
    const engine = createEngine();
    const { operation, sent, looked } = scripted(
      [{ throws: refused() }, { code: 2000 }],
      [{ payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(sent()).toBe(2);
    expect(looked()).toBe(0);
  });

  it('with no order ref: an ambiguous error after 1 send, and a reconcile event saying so', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation, sent, looked } = scripted(
      [{ throws: reset() }, { code: 2000 }],
      [{ payment: 'Success' }],
      { orderRef: undefined },
    );
    const error = (await settle(engine.execute(operation))) as PortOneNetworkError;
    expect(error).toBeInstanceOf(PortOneNetworkError);
    expect(error.ambiguous).toBe(true);
    expect(error.message).toContain('not re-sent');
    expect(sent()).toBe(1);
    expect(looked()).toBe(0);
    const reconcile = log.find((e) => e.event === 'reconcile')?.payload;
    expect(reconcile).toMatchObject({ found: false, action: 'fail' });
    expect(reconcile).not.toHaveProperty('orderRef');
  });

  it('with no status check: the timeout is not re-sent', async () => {
    const engine = createEngine({ policy: { attemptTimeoutMs: 100 } });
    const log = record(engine);
    const { operation, sent } = scripted([{ hang: true }, { code: 2000 }], [], {
      checkStatus: undefined,
    });
    const error = (await settle(engine.execute(operation))) as PortOneTimeoutError;
    expect(error).toBeInstanceOf(PortOneTimeoutError);
    expect(error.phase).toBe('attempt');
    expect(error.ambiguous).toBe(true);
    expect(sent()).toBe(1);
    expect(log.find((e) => e.event === 'reconcile')?.payload).toMatchObject({
      orderRef: 'ORDER-1',
      found: false,
      action: 'fail',
    });
  });

  it('keeps looking up when the lookup itself fails, as a read (1 + retries), never re-sending blind', async () => {
    const engine = createEngine({ policy: { retries: 2 } });
    const log = record(engine);
    const { operation, sent, looked } = scripted([{ throws: reset() }], [{ throws: reset() }]);
    const error = await settle(engine.execute(operation));
    expect(error).toBeInstanceOf(PortOneNetworkError);
    expect(sent()).toBe(1);
    expect(looked()).toBe(3);
    expect(log.filter((e) => e.event === 'reconcile').at(-1)?.payload).toMatchObject({
      found: false,
      action: 'fail',
    });
  });

  it('follows the payment once a failed lookup succeeds', async () => {
    const engine = createEngine();
    const { operation, sent, looked } = scripted(
      [{ throws: reset() }],
      [{ throws: reset() }, { payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(1);
    expect(looked()).toBe(2);
  });
});

describe('captures and refunds', () => {
  it('never re-sends one whose outcome is unknown', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted([{ throws: reset() }, { code: 2000 }], [], {
      kind: 'money-move',
      orderRef: undefined,
    });
    const error = (await settle(engine.execute(operation))) as PortOneNetworkError;
    expect(error).toBeInstanceOf(PortOneNetworkError);
    expect(error.ambiguous).toBe(true);
    expect(error.message).toContain('not re-sent');
    expect(sent()).toBe(1);
  });

  it('never re-sends one behind a proxy 5xx either', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted([{ proxy: 503 }, { code: 2000 }], [], {
      kind: 'money-move',
    });
    expect(await settle(engine.execute(operation))).toBeInstanceOf(PortOneSystemError);
    expect(sent()).toBe(1);
  });

  it('re-sends one that never left', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted([{ throws: refused() }, { code: 2000 }], [], {
      kind: 'money-move',
    });
    expect(await settle(engine.execute(operation))).toBe('answer:2000');
    expect(sent()).toBe(2);
  });

  it('looks one PortOne answered with a retryable code up, and never re-sends it', async () => {
    // A refund PortOne processed can still be answered 5025: only a lookup can tell.
    const engine = createEngine();
    const found = scripted([{ code: 5025, http: 500 }], [{ payment: 'Success' }], {
      kind: 'money-move',
    });
    expect(await settle(engine.execute(found.operation))).toBe('status:Success');
    expect(found.sent()).toBe(1);

    const absent = scripted([{ code: 5025, http: 500 }], [{ notFound: true }], {
      kind: 'money-move',
    });
    const error = (await settle(engine.execute(absent.operation))) as PortOneError;
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect(error.ambiguous).toBe(false);
    expect(error.message).toContain('PortOne shows it was not made');
    expect(absent.sent()).toBe(1);

    const unknown = scripted([{ code: 5025, http: 500 }], [{ throws: reset() }], {
      kind: 'money-move',
    });
    const stuck = (await settle(engine.execute(unknown.operation))) as PortOneError;
    expect(stuck.ambiguous).toBe(true);
    expect(stuck.orderRef).toBe('ORDER-1');
    expect(unknown.sent()).toBe(1);
  });
});

describe('a duplicate answer', () => {
  it('on attempt 2 is resolved by looking the original up', async () => {
    const engine = createEngine();
    const log = record(engine);
    const { operation, sent, looked } = scripted(
      [{ throws: refused() }, { code: 4002 }],
      [{ payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(2);
    expect(looked()).toBe(1);
    expect(log.some((e) => e.event === 'failure')).toBe(false);
  });

  it('5002 after a retried 5024 is resolved the same way', async () => {
    const engine = createEngine();
    const { operation, sent, looked } = scripted(
      [{ code: 5024, http: 500 }, { code: 5002 }],
      [{ notFound: true }, { payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(2);
    expect(looked()).toBe(2);
  });

  it('on the first attempt is a PortOneValidationError, with no lookup', async () => {
    const engine = createEngine();
    const { operation, sent, looked } = scripted([{ code: 4002 }], [{ payment: 'Success' }]);
    const error = await settle(engine.execute(operation));
    expect(error).toBeInstanceOf(PortOneValidationError);
    expect((error as PortOneValidationError).code).toBe(4002);
    expect(sent()).toBe(1);
    expect(looked()).toBe(0);
  });

  it('whose original cannot be found is thrown, not re-sent again', async () => {
    const engine = createEngine();
    const { operation, sent } = scripted(
      [{ throws: refused() }, { code: 4002 }, { code: 2000 }],
      [{ notFound: true }],
    );
    const error = await settle(engine.execute(operation));
    expect(error).toBeInstanceOf(PortOneValidationError);
    expect((error as PortOneValidationError).code).toBe(4002);
    expect(sent()).toBe(2);
  });
});

describe('lookups never guess', () => {
  it('a token that cannot be had for a lookup is a failed lookup, tried again, never "not sent"', async () => {
    const engine = createEngine();
    const noToken = new PortOneAuthenticationError({
      message: 'the token provider threw; the request was not sent',
      series: 'validation',
      outcome: 'fail',
      attempts: 0,
    });
    const { operation, sent, looked } = scripted(
      [{ throws: reset() }],
      [{ throws: noToken }, { payment: 'Success' }],
    );
    expect(await settle(engine.execute(operation))).toBe('status:Success');
    expect(sent()).toBe(1);
    expect(looked()).toBe(2);
  });

  it('with the budget spent mid-outage, a create PortOne lacks is not re-sent; one it holds is still found', async () => {
    const engine = createEngine({ budget: { capacity: 1, retryCost: 1 } });
    // 5024, not found, re-sent with the only token; 5024 again, not found: no token left.
    const absent = scripted(
      [
        { code: 5024, http: 500 },
        { code: 5024, http: 500 },
      ],
      [{ notFound: true }, { notFound: true }],
    );
    const error = (await settle(engine.execute(absent.operation))) as PortOneError;
    expect(error).toBeInstanceOf(PortOneSystemError);
    expect(error.message).toContain('retry budget is spent');
    expect(absent.sent()).toBe(2);
    expect(absent.looked()).toBe(2);

    // The budget is empty, and a lookup costs none of it.
    const charged = scripted([{ code: 5024, http: 500 }], [{ payment: 'Success' }]);
    expect(await settle(engine.execute(charged.operation))).toBe('status:Success');
    expect(charged.sent()).toBe(1);
  });
});

describe('engine.settle', () => {
  it('remembers a webhook that came before the call followed the payment: no lookup is made', async () => {
    const engine = createEngine({ policy: { pollIntervalMs: 60_000, pollMaxIntervalMs: 60_000 } });
    const log = record(engine);
    engine.settle('ORDER-1', 'Success');
    const { operation, looked } = scripted([{ code: 1000 }], [{ payment: 'Pending' }]);
    expect(await settle(engine.execute(operation))).toBe('answer:1000');
    expect(looked()).toBe(0);
    expect(log.find((e) => e.event === 'success')?.payload).toMatchObject({ settledBy: 'webhook' });
  });

  it('refuses a status PortOne does not send, naming it', () => {
    const engine = createEngine();
    expect(() => engine.settle('ORDER-1', 'Paid' as never)).toThrow(/status must be/);
    expect(() => engine.settle('', 'Success')).toThrow(/merchantOrderRef/);
  });
});
