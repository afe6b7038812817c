import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttemptState,
  backoffDelay,
  type Classification,
  classify,
  createPolicy,
  decide,
  lookupCode,
} from './support/internals.js';

const answer = (
  code: number,
  httpStatus = 400,
  headers: Record<string, string> = {},
): Classification =>
  classify({
    httpStatus,
    headers,
    body: { status_code: String(code), status_reason: lookupCode(code)?.status },
  });

const state = (over: Partial<AttemptState> = {}): AttemptState => ({
  attempt: 1,
  retriesUsed: 0,
  elapsedMs: 0,
  kind: 'read',
  random: () => 0.5,
  canLookUp: true,
  ...over,
});

const reset = (): Classification =>
  classify({ error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });

describe('decide', () => {
  const policy = createPolicy();

  it.each([
    [2000, 200, 'succeed'],
    [1000, 200, 'poll'],
    [4097, 400, 'poll'],
    [4001, 400, 'fail'],
    [4054, 401, 'fail'],
    [5001, 400, 'fail'],
    [6014, 400, 'surface'],
    [7000, 400, 'fail'],
    [8002, 400, 'surface'],
    [5024, 500, 'retry'],
    [8001, 400, 'retry'],
  ])('code %i (HTTP %i) → %s for a read', (code, http, type) => {
    expect(decide(answer(code, http), policy, state()).type).toBe(type);
  });

  it('computes full-jitter backoff within its bounds', () => {
    expect(backoffDelay(0, 250, 8000, () => 0)).toBe(0);
    expect(backoffDelay(0, 250, 8000, () => 0.999)).toBeLessThan(250);
    expect(backoffDelay(3, 250, 8000, () => 0.5)).toBe(1000);
    expect(backoffDelay(10, 250, 8000, () => 0.5)).toBe(4000);
  });

  it('honours Retry-After first, and fails when it is beyond the cap', () => {
    const hinted = decide(answer(5024, 503, { 'retry-after': '2' }), policy, state());
    expect(hinted).toEqual({
      type: 'retry',
      delayMs: 2000,
      reason: '5024 PSP_COMMUNICATION_ERROR',
    });
    const tooLong = decide(answer(5024, 503, { 'retry-after': '3600' }), policy, state());
    expect(tooLong.type).toBe('fail');
  });

  it('fails once retries are spent or the deadline would pass', () => {
    expect(decide(answer(5024, 500), policy, state({ retriesUsed: 3 })).type).toBe('fail');
    expect(decide(answer(5024, 500), policy, state({ elapsedMs: 29_999 })).type).toBe('fail');
  });

  it('looks a create or money move up instead of re-sending it, and never re-sends a config write', () => {
    expect(decide(reset(), policy, state({ kind: 'create' })).type).toBe('reconcile');
    expect(decide(answer(5024, 500), policy, state({ kind: 'create' })).type).toBe('reconcile');
    expect(decide(reset(), policy, state({ kind: 'money-move' })).type).toBe('reconcile');
    expect(decide(answer(5025, 500), policy, state({ kind: 'money-move' })).type).toBe('reconcile');
    expect(decide(reset(), policy, state({ kind: 'config' }))).toMatchObject({
      type: 'fail',
      ambiguous: true,
    });
    expect(decide(reset(), policy, state({ kind: 'read' })).type).toBe('retry');
  });

  it('looks an unknown outcome up even when retries, or time, ran out: a lookup costs neither', () => {
    const spent = state({ kind: 'create', retriesUsed: 3 });
    expect(decide(answer(5024, 500), policy, spent).type).toBe('reconcile');
    const late = decide(reset(), policy, state({ kind: 'money-move', elapsedMs: 29_999 }));
    expect(late).toMatchObject({ type: 'reconcile', delayMs: 0 });
  });

  it('re-sends any request that surely never left', () => {
    const refused = classify({
      error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    for (const kind of ['create', 'money-move', 'read'] as const) {
      expect(decide(refused, policy, state({ kind })).type).toBe('retry');
    }
  });

  it('looks a duplicate up when it answers a retried attempt, and fails it on the first', () => {
    expect(decide(answer(4002), policy, state({ attempt: 1, kind: 'create' })).type).toBe('fail');
    expect(decide(answer(4002), policy, state({ attempt: 2, kind: 'create' })).type).toBe(
      'reconcile',
    );
    expect(decide(answer(5002), policy, state({ attempt: 3, kind: 'create' })).type).toBe(
      'reconcile',
    );
  });

  it('stops at once for an aborted call', () => {
    const aborted = classify({ error: Object.assign(new Error('x'), { name: 'AbortError' }) });
    expect(decide(aborted, policy, state()).type).toBe('fail');
  });
});

describe('decide: money safety', () => {
  const policy = createPolicy();

  it('never re-sends an ambiguous create it cannot look up by order ref', () => {
    const decision = decide(reset(), policy, state({ kind: 'create', canLookUp: false }));
    expect(decision).toMatchObject({ type: 'fail', unreconciled: true });
    expect(decision.type === 'fail' && decision.note).toContain('not re-sent');
    const answered = decide(answer(5024, 500), policy, state({ kind: 'create', canLookUp: false }));
    expect(answered).toMatchObject({ type: 'fail', unreconciled: true });
  });

  it('fails a capture behind a proxy 5xx that cannot be looked up, marked ambiguous', () => {
    const proxy = classify({ httpStatus: 502, headers: {}, body: '<html>Bad Gateway</html>' });
    expect(decide(proxy, policy, state({ kind: 'money-move', canLookUp: false }))).toMatchObject({
      type: 'fail',
      ambiguous: true,
      note: expect.stringContaining('not re-sent'),
    });
    expect(decide(proxy, policy, state({ kind: 'money-move' })).type).toBe('reconcile');
    expect(decide(proxy, policy, state({ kind: 'create' })).type).toBe('reconcile');
    expect(decide(proxy, policy, state({ kind: 'read' })).type).toBe('retry');
  });

  it('never re-sends a refund PortOne answered with a retryable code: it may have been made', () => {
    // 5025 ERROR_PARSING_RESPONSE can follow a refund PortOne already processed.
    expect(decide(answer(5025, 500), policy, state({ kind: 'money-move' })).type).toBe('reconcile');
    expect(
      decide(answer(5024, 400), policy, state({ kind: 'money-move', canLookUp: false })).type,
    ).toBe('fail');
  });

  it('fails a duplicate on a retried attempt that cannot be looked up', () => {
    const decision = decide(
      answer(4002),
      policy,
      state({ attempt: 2, kind: 'create', canLookUp: false }),
    );
    expect(decision.type).toBe('fail');
  });

  it('polls a status answer that says Pending, whatever its code', () => {
    const pending = classify({
      httpStatus: 200,
      headers: {},
      body: { content: { status: 'Pending', order_ref: 'A' }, status_code: '2000' },
    });
    expect(decide(pending, policy, state({ kind: 'create' })).type).toBe('poll');
  });

  it('polls a code the user marks poll, and surfaces one marked surface', () => {
    const custom = createPolicy({
      codes: { 5024: { outcome: 'poll' }, 4001: { outcome: 'surface' } },
    });
    expect(decide(answer(5024, 500), custom, state()).type).toBe('poll');
    expect(decide(answer(4001), custom, state()).type).toBe('surface');
  });
});

describe('decide: order of the checks', () => {
  const policy = createPolicy();

  it('lets a success win over a Retry-After header', () => {
    const ok = answer(2000, 200, { 'retry-after': '5' });
    expect(decide(ok, policy, state({ retriesUsed: 99 })).type).toBe('succeed');
  });

  it('checks the retry count before the server hint', () => {
    const hinted = answer(5024, 503, { 'retry-after': '1' });
    expect(decide(hinted, policy, state({ retriesUsed: 3 }))).toMatchObject({
      type: 'fail',
      reason: 'retries exhausted (3)',
    });
  });

  it('counts a Retry-After wait against the deadline', () => {
    const hinted = answer(5024, 503, { 'retry-after': '10' });
    expect(decide(hinted, policy, state({ elapsedMs: 19_000 })).type).toBe('retry');
    expect(decide(hinted, policy, state({ elapsedMs: 21_000 })).type).toBe('fail');
  });

  it('uses the per-code rule for retries and delays', () => {
    const custom = createPolicy({
      codes: { 5024: { retries: 1, minDelayMs: 100, maxDelayMs: 100 } },
    });
    expect(decide(answer(5024, 500), custom, state({ random: () => 0.5 }))).toMatchObject({
      type: 'retry',
      delayMs: 50,
    });
    expect(decide(answer(5024, 500), custom, state({ retriesUsed: 1 })).type).toBe('fail');
  });

  it('gives the same decision for the same input', () => {
    const input = [answer(8001), policy, state({ random: () => 0.3, retriesUsed: 2 })] as const;
    expect(decide(...input)).toEqual(decide(...input));
  });
});

describe('backoffDelay', () => {
  it('stays within [0, min(max, min · 2^n)) for any random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, min, extra, r) => {
          const max = min + extra;
          const delay = backoffDelay(n, min, max, () => r);
          const ceiling = Math.min(max, min * 2 ** n);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(1, ceiling));
        },
      ),
    );
  });
});
