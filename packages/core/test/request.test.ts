import { describe, expect, it } from 'vitest';
import { createEngine, operationKindOf, PortOneEventEmitter, upperMethod } from '../src/index.js';

const BASE = 'https://api.portone.cloud';

describe('upperMethod', () => {
  it('spells any method in upper case, the common ones in either case without conversion', () => {
    expect(upperMethod('get')).toBe('GET');
    expect(upperMethod('GET')).toBe('GET');
    expect(upperMethod('post')).toBe('POST');
    expect(upperMethod('Patch')).toBe('PATCH');
    expect(upperMethod('dElEtE')).toBe('DELETE');
    expect(upperMethod('purge')).toBe('PURGE');
    expect(upperMethod('')).toBe('');
  });
});

describe('operationKindOf', () => {
  it('reads how money moves from the method, in any case, and the path', () => {
    expect(operationKindOf('get', `${BASE}/api/transaction/R1/status`)).toBe('read');
    expect(operationKindOf('Head', `${BASE}/api/transaction/R1/status`)).toBe('read');
    expect(operationKindOf('post', `${BASE}/api/initiatePayment`)).toBe('create');
    expect(operationKindOf('POST', `${BASE}/api/paymentLink/`)).toBe('create');
    expect(operationKindOf('Post', `${BASE}/api/transaction/status`)).toBe('read');
    expect(operationKindOf('post', `${BASE}/api/refund/R1`)).toBe('mutate');
    expect(operationKindOf('put', `${BASE}/api/initiatePayment`)).toBe('mutate');
  });
});

describe('PortOneEventEmitter.listening', () => {
  it('tells whether an event has a listener, however it was added and removed', () => {
    const events = new PortOneEventEmitter();
    expect(events.listening('retry')).toBe(false);
    const listener = () => {};
    events.on('retry', listener);
    expect(events.listening('retry')).toBe(true);
    expect(events.listening('attempt')).toBe(false);
    events.once('attempt', listener);
    expect(events.listening('attempt')).toBe(true);
    events.off('retry', listener);
    expect(events.listening('retry')).toBe(false);
    expect(events.listening('attempt')).toBe(true);
    events.removeAllListeners();
    expect(events.listening('attempt')).toBe(false);
  });

  it('lets a listener added on engine.events itself see the call', async () => {
    const engine = createEngine();
    const seen: string[] = [];
    engine.events.on('attempt', (e) => seen.push(`attempt ${e.attempt}`));
    engine.events.on('success', (e) => seen.push(`success after ${e.attempts}`));
    await engine.execute({
      method: 'GET',
      url: `${BASE}/api/transaction/R1/status`,
      kind: 'read',
      send: async () => ({
        httpStatus: 200,
        headers: {},
        body: { status_code: '2000' },
        raw: 'ok',
      }),
    });
    expect(seen).toEqual(['attempt 1', 'success after 1']);
  });
});
