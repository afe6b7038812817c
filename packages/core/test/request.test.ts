import { describe, expect, it } from 'vitest';
import { createEngine, operationKindOf } from './support/internals.js';

const BASE = 'https://api.portone.cloud';

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
