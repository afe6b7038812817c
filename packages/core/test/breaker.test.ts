import { describe, expect, it } from 'vitest';
import {
  type BreakerOutcome,
  breakerKeyOf,
  breakerOutcomeOf,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitChange,
  createCircuitBreaker,
  createMemoryStore,
  pspChannelOf,
  quorumOf,
  type ResilienceStore,
} from '../src/resilience/index.js';
import { classify } from './support/internals.js';

const KEY = 'POST /api/initiatePayment @MOMOPAY';

/** The mechanism is tested at small thresholds: 5 failures in a row, or half of 20 calls. */
const SMALL = { failureThreshold: 5, failureRatio: 0.5 } as const;

function setup(options: CircuitBreakerOptions = {}, store: ResilienceStore = createMemoryStore()) {
  let t = Date.UTC(2026, 10, 24, 12);
  const changes: CircuitChange[] = [];
  const breaker = createCircuitBreaker(
    { ...SMALL, now: () => t, onStateChange: (change) => changes.push(change), ...options },
    store,
  );
  return {
    breaker,
    changes,
    store,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function report(breaker: CircuitBreaker, outcomes: BreakerOutcome[], key = KEY) {
  for (const outcome of outcomes) await breaker.record(key, outcome);
}
const times = (n: number, outcome: BreakerOutcome): BreakerOutcome[] =>
  Array.from({ length: n }, () => outcome);
const alternate = (n: number): BreakerOutcome[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'success' : 'failure'));

describe('circuit breaker: closed → open', () => {
  it('by default opens on an outage, not on a PSP failing half its calls', async () => {
    const withDefaults = () => {
      const changes: CircuitChange[] = [];
      const now = Date.UTC(2026, 10, 24, 12);
      const breaker = createCircuitBreaker({
        now: () => now,
        onStateChange: (change) => changes.push(change),
      });
      return { breaker, changes };
    };
    const inRow = withDefaults();
    await report(inRow.breaker, times(19, 'failure'));
    expect(inRow.changes).toEqual([]);
    await report(inRow.breaker, ['failure']);
    expect(inRow.changes.map((c) => c.to)).toEqual(['open']);

    const half = withDefaults();
    await report(half.breaker, alternate(200));
    expect(half.changes).toEqual([]);

    // 19 failures of 20 calls, not in a row: the ratio opens it.
    const most = withDefaults();
    await report(most.breaker, ['success', ...times(18, 'failure')]);
    expect(most.changes).toEqual([]);
    await report(most.breaker, ['failure']);
    expect(most.changes.map((c) => c.to)).toEqual(['open']);
  });

  it('opens after 5 failures in a row and fails calls fast for 30 s', async () => {
    const { breaker, changes, advance } = setup();
    await report(breaker, times(4, 'failure'));
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    expect(changes).toEqual([]);

    await breaker.record(KEY, 'failure');
    expect(changes).toEqual([{ key: KEY, from: 'closed', to: 'open', scope: 'fleet' }]);
    expect(await breaker.state(KEY)).toBe('open');
    expect(await breaker.acquire(KEY)).toEqual({
      allowed: false,
      state: 'open',
      retryAfterMs: 30_000,
    });
    advance(29_999);
    expect(await breaker.acquire(KEY)).toEqual({ allowed: false, state: 'open', retryAfterMs: 1 });
  });

  it('counts failures in a row only: a success in between starts the count again', async () => {
    const { breaker } = setup();
    await report(breaker, [...times(4, 'failure'), 'success', ...times(4, 'failure')]);
    expect(await breaker.state(KEY)).toBe('closed');
    await breaker.record(KEY, 'failure');
    expect(await breaker.state(KEY)).toBe('open');
  });

  it('opens when half of at least 20 calls in the window failed', async () => {
    const { breaker, changes } = setup();
    await report(breaker, alternate(19));
    expect(await breaker.state(KEY)).toBe('closed');
    await breaker.record(KEY, 'failure');
    expect(await breaker.state(KEY)).toBe('open');
    expect(changes).toEqual([{ key: KEY, from: 'closed', to: 'open', scope: 'fleet' }]);
  });

  it('does not judge the ratio on fewer than minimumCalls calls', async () => {
    const { breaker } = setup();
    const burst: BreakerOutcome[] = [...times(4, 'failure'), 'success'];
    await report(breaker, [...burst, ...burst, ...burst, ...times(4, 'failure')]);
    expect(await breaker.state(KEY)).toBe('closed');
    await report(breaker, ['success', 'failure']);
    expect(await breaker.state(KEY)).toBe('open');
  });

  it('judges the ratio over a sliding window: older calls stop counting', async () => {
    const { breaker, advance } = setup();
    await report(breaker, alternate(10));
    advance(31_000);
    await report(breaker, alternate(10));
    expect(await breaker.state(KEY)).toBe('closed');
    await report(breaker, alternate(10));
    expect(await breaker.state(KEY)).toBe('open');
  });

  it('keeps breakers apart by key', async () => {
    const { breaker } = setup();
    const other = 'POST /api/initiatePayment @OMISE';
    await report(breaker, times(5, 'failure'));
    expect(await breaker.acquire(other)).toEqual({ allowed: true, state: 'closed' });
    expect((await breaker.acquire(KEY)).allowed).toBe(false);
  });

  it('changes nothing on late failures of calls sent before it opened', async () => {
    const { breaker, changes, advance } = setup();
    await report(breaker, times(5, 'failure'));
    advance(10_000);
    await report(breaker, times(10, 'failure'));
    expect(await breaker.acquire(KEY)).toMatchObject({ state: 'open', retryAfterMs: 20_000 });
    expect(changes).toHaveLength(1);
  });
});

describe('circuit breaker: half-open', () => {
  async function opened(options: CircuitBreakerOptions = {}) {
    const context = setup(options);
    await report(context.breaker, times(5, 'failure'));
    return context;
  }

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    const { breaker, changes, advance } = await opened();
    advance(30_000);
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
    expect(await breaker.acquire(KEY)).toMatchObject({ allowed: false, state: 'half-open' });

    await breaker.record(KEY, 'success');
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    expect(changes).toEqual([
      { key: KEY, from: 'closed', to: 'open', scope: 'fleet' },
      { key: KEY, from: 'open', to: 'half-open', scope: 'fleet' },
      { key: KEY, from: 'half-open', to: 'closed', scope: 'fleet' },
    ]);
    // Closing wipes the slate: the failures that opened it do not count again.
    await report(breaker, times(4, 'failure'));
    expect(await breaker.state(KEY)).toBe('closed');
  });

  it('lets exactly one of many concurrent callers probe', async () => {
    const { breaker, changes, advance } = await opened();
    advance(30_000);
    const permits = await Promise.all(Array.from({ length: 10 }, () => breaker.acquire(KEY)));
    expect(permits.filter((p) => p.allowed)).toEqual([{ allowed: true, state: 'half-open' }]);
    expect(permits.filter((p) => !p.allowed)).toHaveLength(9);
    expect(changes.filter((c) => c.to === 'half-open')).toHaveLength(1);
  });

  it('opens again when the probe fails, for longer each time, up to maxOpenMs', async () => {
    const { breaker, changes, advance } = await opened();
    const coolDowns: number[] = [];
    for (let round = 0; round < 6; round++) {
      const { retryAfterMs = 0 } = await breaker.acquire(KEY);
      coolDowns.push(retryAfterMs);
      advance(retryAfterMs);
      expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
      await breaker.record(KEY, 'failure');
    }
    expect(coolDowns).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(changes.slice(1, 3)).toEqual([
      { key: KEY, from: 'open', to: 'half-open', scope: 'fleet' },
      { key: KEY, from: 'half-open', to: 'open', scope: 'fleet' },
    ]);
  });

  it('frees the probe when its answer says nothing about health (ignored)', async () => {
    const { breaker, changes, advance } = await opened();
    advance(30_000);
    expect((await breaker.acquire(KEY)).allowed).toBe(true);
    await breaker.record(KEY, 'ignored');
    expect(await breaker.state(KEY)).toBe('half-open');
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
    await breaker.record(KEY, 'success');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('hands the probe to another caller when the first never reports', async () => {
    const { breaker, advance } = await opened({ probeTimeoutMs: 10_000 });
    advance(30_000);
    expect((await breaker.acquire(KEY)).allowed).toBe(true);
    expect(await breaker.acquire(KEY)).toEqual({
      allowed: false,
      state: 'half-open',
      retryAfterMs: 10_000,
    });
    advance(10_000);
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
  });

  it('lets only the current probe decide, not one whose lease lapsed', async () => {
    const store = createMemoryStore();
    const first = setup({ probeTimeoutMs: 10_000 }, store);
    await report(first.breaker, times(5, 'failure'));
    first.advance(30_000);
    expect((await first.breaker.acquire(KEY)).allowed).toBe(true);

    const second = setup({ probeTimeoutMs: 10_000 }, store);
    second.advance(40_000);
    expect((await second.breaker.acquire(KEY)).allowed).toBe(true);
    first.advance(10_000);
    await first.breaker.record(KEY, 'success');
    expect(await second.breaker.state(KEY)).toBe('half-open');
    await second.breaker.record(KEY, 'success');
    expect(await first.breaker.state(KEY)).toBe('closed');
  });

  it('backs off further when a breaker trips again soon after closing', async () => {
    const { breaker, advance } = await opened();
    advance(30_000);
    await breaker.acquire(KEY);
    await breaker.record(KEY, 'success');
    advance(60_000);
    await report(breaker, times(5, 'failure'));
    expect(await breaker.acquire(KEY)).toMatchObject({ state: 'open', retryAfterMs: 60_000 });

    advance(60_000);
    await breaker.acquire(KEY);
    await breaker.record(KEY, 'success');
    advance(300_000);
    await report(breaker, times(5, 'failure'));
    expect(await breaker.acquire(KEY)).toMatchObject({ state: 'open', retryAfterMs: 30_000 });
  });
});

describe('circuit breaker: answers that are not the service failing', () => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const aborted = Object.assign(new Error('aborted'), { name: 'AbortError' });
  const answer = (httpStatus: number, body: unknown) => classify({ httpStatus, body });

  it.each<[string, ReturnType<typeof classify>, BreakerOutcome]>([
    ['a connection reset', classify({ error: reset }), 'failure'],
    ['a 5000 system error', answer(500, { status_code: '5000' }), 'failure'],
    ['an 8000 PSP error', answer(500, { status_code: '8000' }), 'failure'],
    ['a proxy’s 502 page', answer(502, '<html>Bad Gateway</html>'), 'failure'],
    ['a 4001 validation error', answer(400, { status_code: '4001' }), 'ignored'],
    ['a 4054 expired token', answer(401, { status_code: '4054' }), 'ignored'],
    ['a 6014 card decline', answer(400, { status_code: '6014' }), 'ignored'],
    ['a 5001 record-not-found (not transient)', answer(400, { status_code: '5001' }), 'ignored'],
    ['a call the caller aborted', classify({ error: aborted }), 'ignored'],
    ['a 2000 success', answer(200, { status_code: '2000' }), 'success'],
    ['a 1000 pending', answer(200, { status_code: '1000' }), 'success'],
  ])('counts %s as %s', (_, classification, expected) => {
    expect(breakerOutcomeOf(classification)).toBe(expected);
  });

  it('never opens on 4000 and 6000 answers, however many', async () => {
    const { breaker, changes } = setup();
    const declines = [answer(400, { status_code: '4001' }), answer(400, { status_code: '6014' })];
    for (let i = 0; i < 100; i++) {
      await breaker.record(KEY, breakerOutcomeOf(declines[i % 2]!));
    }
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    expect(changes).toEqual([]);
  });

  it('does not let ignored answers hide failures in a row', async () => {
    const { breaker } = setup();
    await report(breaker, [...times(4, 'failure'), ...times(50, 'ignored'), 'failure']);
    expect(await breaker.state(KEY)).toBe('open');
  });

  it('leaves ignored answers out of the failure ratio', async () => {
    const { breaker } = setup();
    const calls = alternate(20).flatMap((outcome): BreakerOutcome[] => [
      outcome,
      ...times(5, 'ignored'),
    ]);
    await report(breaker, calls);
    expect(await breaker.state(KEY)).toBe('open');
  });
});

describe('circuit breaker: shared by a fleet through one store', () => {
  it('shows one server’s opening to the others, and lets one probe through all of them', async () => {
    const store = createMemoryStore();
    const a = setup({}, store);
    const b = setup({}, store);
    await report(a.breaker, times(5, 'failure'));
    expect(await b.breaker.acquire(KEY)).toMatchObject({ allowed: false, state: 'open' });
    expect(a.changes).toEqual([{ key: KEY, from: 'closed', to: 'open', scope: 'fleet' }]);
    expect(b.changes).toEqual([]);

    a.advance(30_000);
    b.advance(30_000);
    const permits = await Promise.all([
      ...Array.from({ length: 5 }, () => a.breaker.acquire(KEY)),
      ...Array.from({ length: 5 }, () => b.breaker.acquire(KEY)),
    ]);
    expect(permits.filter((p) => p.allowed)).toHaveLength(1);
  });

  it('counts each server’s failures apart: 3 here and 2 there open nothing', async () => {
    const store = createMemoryStore();
    const a = setup({}, store);
    const b = setup({}, store);
    await report(a.breaker, times(3, 'failure'));
    await report(b.breaker, times(2, 'failure'));
    expect(await a.breaker.state(KEY)).toBe('closed');
    expect(await b.breaker.state(KEY)).toBe('closed');
  });

  it('counts one server’s failures as one node, however many breakers report for it', async () => {
    const store = createMemoryStore();
    const a = setup({ nodeId: 'server-1' }, store);
    const b = setup({ nodeId: 'server-1' }, store);
    await report(a.breaker, times(3, 'failure'));
    await report(b.breaker, times(2, 'failure'));
    expect(await a.breaker.state(KEY)).toBe('open');
  });

  it('opens only its own breaker when one server alone sees failures', async () => {
    const store = createMemoryStore();
    const [a, b, c] = ['a', 'b', 'c'].map((nodeId) => setup({ nodeId }, store)) as [
      ReturnType<typeof setup>,
      ReturnType<typeof setup>,
      ReturnType<typeof setup>,
    ];
    await report(b.breaker, ['success']);
    await report(c.breaker, ['success']);
    await report(a.breaker, times(5, 'failure'));
    expect(a.changes).toEqual([{ key: KEY, from: 'closed', to: 'open', scope: 'node' }]);
    expect(await a.breaker.acquire(KEY)).toEqual({
      allowed: false,
      state: 'open',
      retryAfterMs: 30_000,
    });
    expect(await b.breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    expect(await c.breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    // Its own breaker probes and closes on its own, as any breaker.
    a.advance(30_000);
    expect(await a.breaker.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
    await a.breaker.record(KEY, 'success');
    expect(a.changes.map((change) => `${change.scope} ${change.to}`)).toEqual([
      'node open',
      'node half-open',
      'node closed',
    ]);
    expect(await a.breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
  });

  it('opens the fleet’s breaker when a quorum of the servers with calls sees failures', async () => {
    const store = createMemoryStore();
    const [a, b, c] = ['a', 'b', 'c'].map((nodeId) => setup({ nodeId }, store)) as [
      ReturnType<typeof setup>,
      ReturnType<typeof setup>,
      ReturnType<typeof setup>,
    ];
    await report(c.breaker, ['success']);
    await report(a.breaker, times(5, 'failure'));
    await report(b.breaker, times(5, 'failure'));
    expect(b.changes).toEqual([{ key: KEY, from: 'closed', to: 'open', scope: 'fleet' }]);
    expect(await c.breaker.acquire(KEY)).toMatchObject({ allowed: false, state: 'open' });
    expect(c.changes).toEqual([]);
  });

  it('needs half of the servers with calls: two of five is not a quorum, three is', async () => {
    const store = createMemoryStore();
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((nodeId) => setup({ nodeId }, store));
    for (const node of nodes) await report(node.breaker, ['success']);
    for (const node of nodes.slice(0, 2)) await report(node.breaker, times(5, 'failure'));
    expect(await nodes[4]?.breaker.state(KEY)).toBe('closed');
    await report(nodes[2]!.breaker, times(5, 'failure'));
    expect(await nodes[4]?.breaker.state(KEY)).toBe('open');
  });
});

describe('quorumOf', () => {
  it('is the only node, then two, then half of the nodes with calls', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(quorumOf)).toEqual([1, 2, 2, 2, 3, 3, 5]);
  });
});

describe('circuit breaker: bad input', () => {
  it.each([
    [{ failureThreshold: 0 }, /failureThreshold must be a whole number ≥ 1/],
    [{ failureRatio: 0 }, /failureRatio must be a finite number > 0 and ≤ 1/],
    [{ failureRatio: 1.5 }, /failureRatio/],
    [{ minimumCalls: 1.5 }, /minimumCalls/],
    [{ windowMs: 5 }, /windowMs must be a whole number ≥ 10/],
    [{ openMs: -1 }, /openMs/],
    [{ backoffFactor: 0.5 }, /backoffFactor/],
    [{ openMs: 60_000, maxOpenMs: 30_000 }, /openMs \(60000\) must not exceed maxOpenMs/],
    [{ probeTimeoutMs: Number.NaN }, /probeTimeoutMs/],
    [{ onStateChange: 'log' }, /onStateChange must be a function/],
    [{ nodeId: '' }, /nodeId must be a non-empty string/],
    [{ storeTimeoutMs: 0 }, /storeTimeoutMs must be a finite number ≥ 1/],
    [{ onStoreHealth: true }, /onStoreHealth must be a function/],
    [{ threshold: 5 }, /threshold is not an option/],
  ])('rejects %o with a TypeError naming the option', (options, message) => {
    expect(() => createCircuitBreaker(options as never)).toThrow(TypeError);
    expect(() => createCircuitBreaker(options as never)).toThrow(message);
  });

  it('rejects a store that is not a store', () => {
    expect(() => createCircuitBreaker({}, { take: () => {} } as never)).toThrow(
      /circuit breaker store must be a ResilienceStore; it lacks refund/,
    );
  });

  it('rejects a bad key or outcome as a rejected promise with a TypeError', async () => {
    const { breaker } = setup();
    await expect(breaker.acquire('')).rejects.toThrow(TypeError);
    await expect(breaker.record(KEY, 'error' as never)).rejects.toThrow(
      /outcome must be one of success, failure, ignored/,
    );
    await expect(breaker.state(42 as never)).rejects.toThrow(/key must be a non-empty string/);
  });
});

describe('breakerKeyOf', () => {
  const api = 'https://api.portone.cloud';

  it('keys by method, path template and PSP channel', () => {
    expect(breakerKeyOf('post', `${api}/api/initiatePayment`, { pmt_channel: 'momopay' })).toBe(
      'POST /api/initiatePayment @MOMOPAY',
    );
    expect(breakerKeyOf('POST', `${api}/api/initiatePayment`)).toBe('POST /api/initiatePayment');
  });

  it('reads the channel from JSON, form strings, URLSearchParams and FormData', () => {
    const url = `${api}/api/initiatePayment`;
    const form = new FormData();
    form.set('pmt_channel', 'OMISE');
    for (const body of [
      JSON.stringify({ amount: 10, pmt_channel: 'OMISE' }),
      'amount=10&pmt_channel=OMISE',
      new URLSearchParams({ pmt_channel: 'OMISE' }),
      form,
    ]) {
      expect(breakerKeyOf('POST', url, body)).toBe('POST /api/initiatePayment @OMISE');
    }
  });

  it('knows payout and top-level channel_key fields, and ignores what is not a channel', () => {
    expect(pspChannelOf({ payout_channel: 'GBPRIMEPAY_PAYOUT' })).toBe('GBPRIMEPAY_PAYOUT');
    expect(pspChannelOf({ channel_key: 'STRIPE' })).toBe('STRIPE');
    expect(pspChannelOf({ pmt_channel: { name: 'X' } })).toBeUndefined();
    expect(pspChannelOf({ pmt_channel: 'two words' })).toBeUndefined();
    expect(pspChannelOf('{not json')).toBeUndefined();
    expect(pspChannelOf(undefined)).toBeUndefined();
  });

  it('collapses refs and merchant keys into the template, so none appears in a key', () => {
    expect(breakerKeyOf('GET', `${api}/api/transaction/ORDER-123/status`)).toBe(
      'GET /api/transaction/{merchantOrderRef}/status',
    );
    expect(breakerKeyOf('GET', `${api}/api/transaction/abcdef/status?x=1`)).toBe(
      'GET /api/transaction/{merchantOrderRef}/status',
    );
    const key = breakerKeyOf('POST', `${api}/api/merchant/SecretMerchantKey/payouts`);
    expect(key).toBe('POST /api/merchant/{key}/payouts');
    expect(key).not.toContain('SecretMerchantKey');
  });

  it('prefers literal routes over templated ones', () => {
    expect(breakerKeyOf('POST', `${api}/api/subscription/createSubscription`)).toBe(
      'POST /api/subscription/createSubscription',
    );
    expect(breakerKeyOf('GET', `${api}/api/subscription/SUB-1`)).toBe(
      'GET /api/subscription/{orderRef}',
    );
    expect(breakerKeyOf('POST', `${api}/api/transaction/status`)).toBe(
      'POST /api/transaction/status',
    );
  });

  it('drops a base path in front of /api and hides id-like parts of unknown paths', () => {
    expect(breakerKeyOf('POST', 'https://proxy.example/portone/api/refund/PO123')).toBe(
      'POST /api/refund/{portone_order_ref}',
    );
    expect(breakerKeyOf('GET', '/api/v2/orders/ORD-9/items')).toBe(
      'GET /api/{id}/orders/{id}/items',
    );
  });

  it('rejects a method or url that is not a string', () => {
    expect(() => breakerKeyOf(undefined as never, api)).toThrow(TypeError);
    expect(() => breakerKeyOf('GET', 42 as never)).toThrow(/url must be a string/);
  });
});
