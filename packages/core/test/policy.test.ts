import { describe, expect, it } from 'vitest';
import {
  type AttemptState,
  backoffDelay,
  type Classification,
  classify,
  createPolicy,
  decide,
  lookupCode,
  POLICY_DEFAULTS,
} from '../src/index.js';

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
  ...over,
});

describe('createPolicy', () => {
  it('starts from the documented defaults', () => {
    expect(createPolicy().settings).toEqual(POLICY_DEFAULTS);
    expect(POLICY_DEFAULTS).toMatchObject({ retries: 3, minDelayMs: 250, maxDelayMs: 8000 });
  });

  it.each([
    [{ series: { nope: {} } }, 'policy.series.nope'],
    [{ series: { system: { outcome: 'explode' } } }, 'policy.series.system.outcome'],
    [{ retries: -1 }, 'policy.retries'],
    [{ retries: 1.5 }, 'policy.retries'],
    [{ minDelayMs: 500, maxDelayMs: 100 }, 'minDelayMs (500) must not exceed maxDelayMs (100)'],
    [{ codes: { 5024: { retries: -2 } } }, 'policy.codes.5024.retries'],
    [{ codes: { abc: {} } }, 'policy.codes.abc'],
    [{ codes: { 5024: { minDelayMs: 9, maxDelayMs: 1 } } }, 'policy.codes.5024'],
    [{ deadlineMs: 0 }, 'policy.deadlineMs'],
    [{ attemptTimeoutMs: Number.NaN }, 'policy.attemptTimeoutMs'],
    [{ retry: 3 }, 'policy.retry is not a policy option'],
    [{ customerMessages: { 6014: 5 } }, 'policy.customerMessages.6014'],
  ])('rejects %j naming the option', (options, name) => {
    expect(() => createPolicy(options as never)).toThrow(TypeError);
    expect(() => createPolicy(options as never)).toThrow(name);
  });

  it('applies precedence: user code rule > catalogue refinement > user series rule > series default', () => {
    const policy = createPolicy({
      series: { system: { outcome: 'fail', retries: 1 }, psp: { outcome: 'fail' } },
      codes: { 5001: { outcome: 'retry' } },
    });
    expect(policy.ruleFor(answer(5024))).toMatchObject({
      outcome: 'fail',
      source: 'series',
      retries: 1,
    });
    expect(policy.ruleFor(answer(5001))).toMatchObject({ outcome: 'retry', source: 'code' });
    expect(policy.ruleFor(answer(8002))).toMatchObject({
      outcome: 'surface',
      source: 'refinement',
    });
    expect(policy.ruleFor(answer(6014))).toMatchObject({ outcome: 'surface', source: 'default' });
  });

  it('never retries 4088, whatever the override says', () => {
    const policy = createPolicy({ codes: { 4088: { outcome: 'retry', retries: 5 } } });
    expect(policy.ruleFor(answer(4088)).outcome).toBe('fail');
  });

  it('layers per-call overrides with with()', () => {
    const base = createPolicy({ retries: 5, codes: { 5024: { retries: 2 } } });
    const call = base.with({ codes: { 5024: { minDelayMs: 1 } } });
    expect(call.ruleFor(answer(5024))).toMatchObject({ retries: 2, minDelayMs: 1 });
    expect(base.ruleFor(answer(5024)).minDelayMs).toBe(250);
    expect(() => base.with({ retries: -1 })).toThrow('policy.retries');
  });
});

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

  it('reconciles a create instead of re-sending it, and never re-sends an ambiguous mutate', () => {
    const reset = classify({ error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    expect(decide(reset, policy, state({ kind: 'create' })).type).toBe('reconcile');
    expect(decide(answer(5024, 500), policy, state({ kind: 'create' })).type).toBe('reconcile');
    expect(decide(reset, policy, state({ kind: 'mutate' })).type).toBe('fail');
    expect(decide(reset, policy, state({ kind: 'read' })).type).toBe('retry');
  });

  it('re-sends any request that surely never left', () => {
    const refused = classify({
      error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    for (const kind of ['create', 'mutate', 'read'] as const) {
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
