import { describe, expect, it } from 'vitest';
import { Call } from '../src/engine/call.js';
import { scopeOf } from '../src/engine/engine.js';
import { closeIntent, openIntent, settles } from '../src/engine/journal.js';
import type { Operation } from '../src/engine/types.js';
import { bodyDigest } from '../src/journal/index.js';
import {
  createEngine,
  createMemoryJournal,
  type Engine,
  type Intent,
  type Journal,
  type JournalEvent,
} from './support/internals.js';

const BASE = 'https://api.portone.test';

function op(method: string, path: string, extra: Partial<Operation> = {}): Operation {
  return {
    method,
    url: `${BASE}${path}`,
    kind: method === 'GET' ? 'read' : 'create',
    send: async () => ({ httpStatus: 200, headers: {}, body: {}, raw: undefined }),
    ...extra,
  };
}

function callOf(engine: Engine, operation: Operation): Call<unknown> {
  const scope = scopeOf(engine);
  if (scope === undefined) throw new Error('no scope');
  const call = new Call(operation, engine.policy, scope);
  call.dispose();
  return call;
}

describe('journal', () => {
  it('the memory journal lists open intents oldest first, by age, and forgets closed ones', async () => {
    const journal = createMemoryJournal();
    const intent = (id: string, startedAt: number): Intent => ({
      id,
      operation: 'createRefund',
      kind: 'money-move',
      method: 'POST',
      url: `${BASE}/api/refund/p1`,
      bodyDigest: '',
      startedAt,
    });
    await journal.open(intent('b', 2_000));
    await journal.open(intent('a', 1_000));
    expect((await journal.list({ now: 3_000 })).map((i) => i.id)).toEqual(['a', 'b']);
    expect((await journal.list({ now: 3_000, olderThanMs: 1_500 })).map((i) => i.id)).toEqual([
      'a',
    ]);
    await journal.close('a', { settledBy: 'answer', status: 'Success' });
    expect((await journal.list({ now: 3_000 })).map((i) => i.id)).toEqual(['b']);
  });

  it('the memory journal keeps at most maxIntents, dropping the oldest written', async () => {
    const journal = createMemoryJournal({ maxIntents: 2 });
    for (const id of ['a', 'b', 'c']) {
      await journal.open({
        id,
        operation: 'createRefund',
        kind: 'money-move',
        method: 'POST',
        url: '/api/refund/p',
        bodyDigest: '',
        startedAt: 1,
      });
    }
    expect((await journal.list({ now: 2 })).map((i) => i.id)).toEqual(['b', 'c']);
    expect(() => createMemoryJournal({ maxIntents: 0 })).toThrow(/maxIntents/);
  });

  it('digests the body with SHA-256 (Web Crypto)', async () => {
    expect(await bodyDigest('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await bodyDigest({ a: 1 })).toBe(await bodyDigest('{"a":1}'));
  });

  it('writes a create with its lookup, ref, digest and redacted URL; a read writes nothing', async () => {
    const engine = createEngine({ now: () => 5_000 });
    const body = { merchant_order_id: 'order-1', amount: 1000, currency: 'KRW', card: '4111' };
    const create = callOf(
      engine,
      op('POST', '/api/initiatePayment?token=secret-token', { orderRef: 'order-1' }),
    );
    await openIntent(create, { body });
    await openIntent(callOf(engine, op('GET', '/api/transaction/order-1/status')));
    const [intent, ...rest] = await engine.unsettled();
    expect(rest).toEqual([]);
    expect(intent).toEqual({
      id: create.id,
      operation: 'initiatePayment',
      kind: 'create',
      orderRef: 'order-1',
      method: 'POST',
      url: create.url,
      bodyDigest: await bodyDigest(body),
      lookup: { method: 'GET', path: '/api/transaction/order-1/status' },
      compare: { amount: 1000, currency: 'KRW' },
      startedAt: 5_000,
    });
    expect(intent?.url).not.toContain('secret-token');
    expect(JSON.stringify(intent)).not.toContain('4111');
  });

  it('a refund is keyed by the PortOne order ref in its path and looked up in the refund list', async () => {
    const engine = createEngine();
    const refund = callOf(engine, op('POST', '/api/refund/po-9', { kind: 'money-move' }));
    await openIntent(refund, { body: { amount: 500 } });
    const [intent] = await engine.unsettled();
    expect(intent).toMatchObject({
      operation: 'createRefund',
      kind: 'money-move',
      orderRef: 'po-9',
      lookup: { method: 'GET', path: '/api/refund/po-9' },
      compare: { amount: 500 },
    });
  });

  it('closes on a known outcome and stays open on an ambiguous failure or a pending timeout', async () => {
    expect(settles({ settledBy: 'answer', status: 'Success' })).toBe(true);
    expect(settles({ settledBy: 'answer' })).toBe(true);
    expect(settles({ failed: 'not-sent' })).toBe(true);
    expect(settles({ failed: 'declined' })).toBe(true);
    expect(settles({ failed: 'not-found' })).toBe(true);
    expect(settles({ failed: 'ambiguous' })).toBe(false);
    expect(settles({ settledBy: 'poll', status: 'Pending' })).toBe(false);
    expect(settles({})).toBe(false);

    const engine = createEngine();
    const calls = ['a', 'b', 'c'].map((ref) =>
      callOf(engine, op('POST', '/api/initiatePayment', { orderRef: ref })),
    );
    for (const call of calls)
      await openIntent(call, { body: { merchant_order_id: call.orderRef } });
    await closeIntent(calls[0] as Call<unknown>, { settledBy: 'lookup', status: 'Failed' });
    await closeIntent(calls[1] as Call<unknown>, { failed: 'ambiguous' });
    await closeIntent(calls[2] as Call<unknown>, { status: 'Pending' });
    expect((await engine.unsettled()).map((i) => i.orderRef).sort()).toEqual(['b', 'c']);
  });

  it('a journal that fails or hangs never fails the call: an event says it is not durable', async () => {
    const broken: Journal = {
      open: () => Promise.reject(new Error('redis down')),
      close: () => new Promise(() => {}),
      list: async () => [],
    };
    const engine = createEngine({ journal: broken });
    const events: JournalEvent[] = [];
    engine.on('journal', (e) => {
      events.push(e);
    });
    const call = callOf(engine, op('POST', '/api/initiatePayment', { orderRef: 'x' }));
    await expect(openIntent(call, { body: {} })).resolves.toBeUndefined();
    expect(events.map((e) => [e.state, (e.error as Error).message])).toEqual([
      ['not-durable', 'redis down'],
    ]);
    expect(events[0]?.orderRef).toBe('x');
  });

  it('a close that hangs is cut at the timeout and reported', async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers();
    try {
      const journal: Journal = { ...createMemoryJournal(), close: () => new Promise(() => {}) };
      const engine = createEngine({ journal });
      const states: string[] = [];
      engine.on('journal', (e) => {
        states.push(e.state);
      });
      const call = callOf(engine, op('POST', '/api/initiatePayment', { orderRef: 'y' }));
      await openIntent(call, { body: {} });
      const closing = closeIntent(call, { settledBy: 'answer', status: 'Success' });
      await vi.advanceTimersByTimeAsync(1_000);
      await closing;
      expect(states).toEqual(['not-closed']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a journal without its methods, naming the option', () => {
    expect(() => createEngine({ journal: {} as Journal })).toThrow(/journal must be a journal/);
  });
});

describe('the engine journals its money moves', () => {
  const answer = (httpStatus: number, body: unknown) => ({
    httpStatus,
    headers: {},
    body,
    raw: body,
  });

  it('closes a create that PortOne answered, keeps an ambiguous refund open, and never journals a read', async () => {
    const engine = createEngine({ policy: { minDelayMs: 1, maxDelayMs: 1, retries: 0 } });
    const opened: string[] = [];
    const journal = scopeOf(engine)?.journal as Journal;
    const write = journal.open.bind(journal);
    journal.open = async (intent) => {
      opened.push(intent.operation);
      return write(intent);
    };
    await engine.execute(
      op('POST', '/api/initiatePayment', {
        orderRef: 'E-1',
        send: async () =>
          answer(200, { status_code: '2000', content: { status: 'Success', order_ref: 'PO1' } }),
      }),
    );
    await engine.execute(
      op('GET', '/api/transaction/E-1/status', {
        send: async () => answer(200, { status_code: '2000', content: { status: 'Success' } }),
      }),
    );
    const refund = Object.assign(
      op('POST', '/api/refund/PO1', {
        kind: 'money-move',
        send: async () => {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        },
      }),
      { body: { amount: 300 } },
    );
    await expect(engine.execute(refund)).rejects.toThrow();
    expect(opened).toEqual(['initiatePayment', 'createRefund']);
    const left = await engine.unsettled();
    expect(left.map((i) => [i.operation, i.orderRef, i.compare])).toEqual([
      ['createRefund', 'PO1', { amount: 300 }],
    ]);
  });
});
