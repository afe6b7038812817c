import { paymentRequest, type Simulator, startSimulator } from '@portone-retry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Call } from '../src/engine/call.js';
import { scopeOf } from '../src/engine/engine.js';
import { openIntent } from '../src/engine/journal.js';
import { type LookupTransport, registerLookupTransport } from '../src/engine/lookup-transport.js';
import type { Operation } from '../src/engine/types.js';
import {
  createEngine,
  type Engine,
  type ReconcileEvent,
  reconcile,
  reconcileIntent,
} from './support/internals.js';

/** A lookup transport on fetch, as an adapter would register one. */
export const fetchLookup: LookupTransport = async (request, { signal }) => {
  const response = await fetch(request.url, {
    method: request.method,
    signal,
    ...(request.body === undefined
      ? {}
      : { body: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { httpStatus: response.status, headers: response.headers, body };
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ validate: false });
});
afterAll(async () => {
  await sim.close();
});

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Writes the intent of a call that a process began and never finished. */
async function leaveOpen(engine: Engine, path: string, body: unknown, orderRef?: string) {
  const operation: Operation = {
    method: 'POST',
    url: `${sim.url}${path}`,
    kind: path.includes('refund') ? 'money-move' : 'create',
    orderRef,
    send: () => Promise.reject(new Error('not sent here')),
  };
  const call = new Call(
    operation,
    engine.policy,
    scopeOf(engine) as NonNullable<ReturnType<typeof scopeOf>>,
  );
  call.dispose();
  await openIntent(call, { body });
  return call.id;
}

describe('reconcile', () => {
  it('settles open intents by lookup: charged, pending to the end, not there, refunded', async () => {
    const engine = createEngine();
    const events: ReconcileEvent[] = [];
    engine.on('reconcile', (e) => {
      events.push(e);
    });
    // Sent and charged; sent and pending for two polls; never reached PortOne.
    await leaveOpen(engine, '/api/initiatePayment', paymentRequest('R-1'), 'R-1');
    await post('/api/initiatePayment', paymentRequest('R-1'));
    sim.script('POST /api/initiatePayment', [{ pending: 2 }]);
    await leaveOpen(engine, '/api/initiatePayment', paymentRequest('R-2'), 'R-2');
    await post('/api/initiatePayment', paymentRequest('R-2'));
    await leaveOpen(engine, '/api/initiatePayment', paymentRequest('R-3'), 'R-3');
    // A refund that went through, and one that did not.
    const po = sim.ledger.byMerchantRef('R-1')?.orderRef as string;
    await leaveOpen(engine, `/api/refund/${po}`, { amount: 300 });
    await post(`/api/refund/${po}`, { amount: 300 });
    await leaveOpen(engine, `/api/refund/${po}`, { amount: 200 });

    const settled = await reconcile(engine, { lookup: fetchLookup, pollIntervalMs: 1 });
    expect(
      settled.map((s) => [
        s.intent.orderRef,
        s.intent.compare?.amount,
        s.outcome.status,
        s.outcome.closed,
      ]),
    ).toEqual([
      ['R-1', 1000, 'Success', true],
      ['R-2', 1000, 'Success', true],
      ['R-3', 1000, 'not-found', true],
      [po, 300, 'Success', true],
      [po, 200, 'not-found', true],
    ]);
    expect(settled[1]?.outcome.lookups).toBe(3);
    expect(await engine.unsettled()).toEqual([]);
    // Settled a few at a time: the pending one ends last; compare without the order.
    expect(events.map((e) => `${e.orderRef} ${e.action} ${e.source}`).sort()).toEqual(
      [
        'R-1 follow journal',
        'R-2 follow journal',
        'R-3 close journal',
        `${po} follow journal`,
        `${po} close journal`,
      ].sort(),
    );
    expect(sim.ledger.count('R-1')).toBe(1);
    expect(sim.ledger.count('R-3')).toBe(0);
  });

  it('leaves open what no lookup can say, and uses the transport the adapter registered', async () => {
    const engine = createEngine();
    await leaveOpen(engine, '/api/initiatePayment', paymentRequest('U-1'), 'U-1');
    let sent = 0;
    registerLookupTransport(engine, async () => {
      sent++;
      return { httpStatus: 502, headers: {}, body: '<html>bad gateway</html>' };
    });
    const [one] = await reconcile(engine, { pollIntervalMs: 1, lookupAttempts: 2 });
    expect(one?.outcome).toEqual({ status: 'unknown', closed: false, lookups: 2 });
    expect(sent).toBe(2);
    expect(await engine.unsettled()).toHaveLength(1);
  });

  it('leaves a payment pending past the poll deadline open', async () => {
    let clock = 0;
    const engine = createEngine({ now: () => clock });
    const [intent] = await (async () => {
      await leaveOpen(engine, '/api/initiatePayment', paymentRequest('P-1'), 'P-1');
      return engine.unsettled();
    })();
    sim.script('POST /api/initiatePayment', [{ pending: 100 }]);
    await post('/api/initiatePayment', paymentRequest('P-1'));
    const lookup: LookupTransport = async (request, context) => {
      clock += 1_000;
      return fetchLookup(request, context);
    };
    const outcome = await reconcileIntent(engine, intent as NonNullable<typeof intent>, {
      lookup,
      pollIntervalMs: 1,
      pollDeadlineMs: 3_000,
    });
    expect(outcome).toEqual({ status: 'Pending', closed: false, lookups: 3 });
    expect(await engine.unsettled()).toHaveLength(1);
  });

  it('refuses bad options with a TypeError naming them', async () => {
    const engine = createEngine();
    await expect(reconcile(engine, { olderThanMs: -1 })).rejects.toThrow(/olderThanMs/);
    await expect(reconcile({} as Engine)).rejects.toThrow(/createEngine/);
  });
});
