/**
 * Properties that hold for every input, checked with fast-check: `classify` is total, and the
 * engine, driven by any scripted sequence of answers through a fake `send` on the fake clock,
 * sends a bounded number of times, settles exactly once, keeps its deadline, and never re-sends
 * a create whose outcome is unknown.
 */

import {
  type AttemptResponse,
  type Classification,
  classify,
  createEngine,
  type Engine,
  isPortOneError,
  type OperationKind,
  type PolicyOptions,
  PortOnePendingTimeoutError,
  type StatusCheck,
} from '@portone-retry/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordEvents } from './support.js';

const KINDS = ['success', 'pending', 'error', 'transport'];
const SERIES = [
  'pending',
  'success',
  'validation',
  'system',
  'card',
  'unknown',
  'psp',
  'transport',
];
const TRANSPORTS = ['not-sent', 'ambiguous', 'timeout', 'aborted'];

/** What every classification must look like, whatever went in. */
function expectWellFormed(c: Classification): void {
  expect(typeof c).toBe('object');
  expect(KINDS).toContain(c.kind);
  expect(SERIES).toContain(c.series);
  expect(typeof c.ambiguous).toBe('boolean');
  if (c.code !== undefined) {
    expect(Number.isInteger(c.code)).toBe(true);
    expect(c.code).toBeGreaterThanOrEqual(1000);
    expect(c.code).toBeLessThanOrEqual(8999);
  }
  if (c.retryAfterMs !== undefined) {
    expect(Number.isFinite(c.retryAfterMs)).toBe(true);
    expect(c.retryAfterMs).toBeGreaterThanOrEqual(0);
  }
  if (c.kind === 'transport') {
    expect(c.series).toBe('transport');
    expect(TRANSPORTS).toContain(c.transport);
  }
}

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true,
});

/** Values built to break a careless reader: throwing getters and proxies, odd prototypes. */
const hostile = fc.constantFrom<unknown>(
  // Symbol keys are let through: fast-check itself probes values for its clone symbol.
  new Proxy(
    {},
    {
      get: (target, key) => {
        if (typeof key === 'symbol') return Reflect.get(target, key);
        throw new Error('get trap');
      },
      has: (target, key) => {
        if (typeof key === 'symbol') return Reflect.has(target, key);
        throw new Error('has trap');
      },
      ownKeys: () => {
        throw new Error('ownKeys trap');
      },
    },
  ),
  Object.defineProperty({}, 'status_code', {
    enumerable: true,
    get: () => {
      throw new Error('getter');
    },
  }),
  Object.defineProperty({ status_code: '5024' }, 'content', {
    enumerable: true,
    get: () => {
      throw new Error('getter');
    },
  }),
  {
    toString: () => {
      throw new Error('toString');
    },
    valueOf: () => {
      throw new Error('valueOf');
    },
  },
  { get: () => ({ toString: () => '5' }) },
  { status_code: { toString: () => '5024' }, status_reason: 42, message: ['x'] },
  { content: { status: { trim: 1 } }, status_code: Symbol('code') },
  Object.create(null),
  { errors: [null, undefined, 5, { code: 'ECONNREFUSED' }] },
  { cause: { cause: { cause: { cause: { cause: { cause: { cause: { code: 'EPIPE' } } } } } } } },
  (() => {
    const cyclic: Record<string, unknown> = { status_code: '1000' };
    cyclic.content = cyclic;
    cyclic.cause = cyclic;
    return cyclic;
  })(),
);

/** PortOne-shaped bodies with every field allowed to be anything. */
const envelopeLike = fc.record(
  {
    status_code: fc.oneof(
      fc.integer({ min: -100, max: 100_000 }),
      fc.stringMatching(/^\s*\d{1,7}\s*$/),
      anything,
    ),
    status_reason: fc.oneof(fc.string(), anything),
    status_message: fc.oneof(fc.string(), anything),
    message: fc.oneof(fc.string(), anything),
    is_success: fc.oneof(fc.constantFrom(true, false, 'true', 'false', ' FALSE '), anything),
    content: fc.oneof(
      fc.record(
        {
          status: fc.oneof(fc.constantFrom('Success', 'Pending', 'failed', 'EXPIRED'), anything),
          order_ref: anything,
        },
        { requiredKeys: [] },
      ),
      anything,
    ),
  },
  { requiredKeys: [] },
);

const bodies = fc.oneof(
  anything,
  hostile,
  envelopeLike,
  envelopeLike.map((body) => {
    try {
      return JSON.stringify(body, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    } catch {
      return '{"status_code":';
    }
  }),
);
const headers = fc.oneof(
  anything,
  hostile,
  fc.dictionary(fc.constantFrom('retry-after', 'Retry-After', 'content-type', 'x'), anything),
  fc
    .oneof(
      fc.string(),
      fc.double().map(String),
      fc.date().map((d) => d.toUTCString()),
    )
    .map((value) => new Headers({ 'retry-after': value.replace(/[^\x20-\x7e]/g, '') })),
);

describe('classify is total', () => {
  it('never throws, whatever status, headers and body it is given', () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.integer(), hostile), headers, bodies, (status, h, body) => {
        expectWellFormed(classify({ httpStatus: status as number, headers: h as Headers, body }));
      }),
      { numRuns: 100 },
    );
  });

  it('never throws, whatever error a transport throws, and calls it a transport failure', () => {
    fc.assert(
      fc.property(fc.oneof(anything, hostile), (error) => {
        const c = classify({ error });
        expectWellFormed(c);
        expect(c.kind).toBe('transport');
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on an input that is not even an object of the right shape', () => {
    fc.assert(
      fc.property(fc.oneof(anything, hostile), (input) => {
        expectWellFormed(classify(input as never));
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The engine under scripted answers, on the fake clock.

type Answer = {
  readonly type: 'answer';
  readonly httpStatus: number;
  readonly code: string | number | undefined;
  readonly paymentStatus: string | undefined;
  readonly html: boolean;
  readonly retryAfter: string | undefined;
  readonly delayMs: number;
};
type Thrown = {
  readonly type: 'throw';
  readonly code: string | undefined;
  readonly delayMs: number;
};
type Hang = { readonly type: 'hang'; readonly honoursSignal: boolean };
type FakeStep = Answer | Thrown | Hang;

const CODES = [
  '1000',
  '2000',
  '4001',
  '4002',
  '4054',
  '4088',
  '4097',
  '5000',
  '5001',
  '5002',
  '5024',
  '6014',
  '6999',
  '7000',
  '8001',
  '8002',
  '9999',
  2000,
  5024,
] as const;

const answer = fc.record({
  type: fc.constant('answer' as const),
  httpStatus: fc.constantFrom(200, 400, 401, 404, 429, 500, 502, 503, 504),
  code: fc.option(fc.constantFrom(...CODES), { nil: undefined }),
  paymentStatus: fc.option(fc.constantFrom('Success', 'Failed', 'Pending', 'Expired'), {
    nil: undefined,
  }),
  html: fc.boolean(),
  retryAfter: fc.option(fc.constantFrom('0', '0.05', '1', '100', 'soon'), { nil: undefined }),
  delayMs: fc.integer({ min: 0, max: 300 }),
});
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
const thrown = fc.record({
  type: fc.constant('throw' as const),
  code: fc.option(
    fc.constantFrom('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT', ...NOT_SENT_CODES),
    { nil: undefined },
  ),
  delayMs: fc.integer({ min: 0, max: 300 }),
});
const hang = fc.record({ type: fc.constant('hang' as const), honoursSignal: fc.boolean() });
const step: fc.Arbitrary<FakeStep> = fc.oneof(
  { weight: 6, arbitrary: answer },
  { weight: 3, arbitrary: thrown },
  { weight: 1, arbitrary: hang },
);

const policyArb: fc.Arbitrary<PolicyOptions> = fc
  .record({
    retries: fc.integer({ min: 0, max: 5 }),
    minDelayMs: fc.integer({ min: 0, max: 50 }),
    spread: fc.integer({ min: 0, max: 500 }),
    maxRetryAfterMs: fc.integer({ min: 0, max: 5000 }),
    deadlineMs: fc.integer({ min: 1, max: 3000 }),
    attemptTimeoutMs: fc.integer({ min: 1, max: 500 }),
    pollIntervalMs: fc.integer({ min: 2, max: 50 }),
    pollSpread: fc.integer({ min: 0, max: 200 }),
    pollDeadlineMs: fc.integer({ min: 1, max: 2000 }),
  })
  .map(({ spread, pollSpread, ...p }) => ({
    ...p,
    maxDelayMs: p.minDelayMs + spread,
    pollMaxIntervalMs: p.pollIntervalMs + pollSpread,
  }));

function bodyOf(a: Answer): unknown {
  if (a.html) return `<html><body><h1>${a.httpStatus}</h1></body></html>`;
  return {
    ...(a.code === undefined ? {} : { status_code: a.code }),
    ...(a.paymentStatus === undefined
      ? {}
      : { content: { status: a.paymentStatus, order_ref: 'PO1' } }),
    message: 'scripted',
  };
}

function transportError(code: string | undefined): Error {
  const error = new Error(code === undefined ? 'something odd happened' : `connect ${code}`);
  if (code !== undefined) Object.assign(error, { code });
  return error;
}

/** Waits on the (fake) clock, rejecting with the signal's reason when it aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Plays one scripted step; after the script, `fallback` is played again and again. */
async function play(s: FakeStep, signal: AbortSignal): Promise<AttemptResponse<string>> {
  if (s.type === 'hang') {
    if (!s.honoursSignal) return new Promise<never>(() => {});
    return new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
    );
  }
  if (s.delayMs > 0) await wait(s.delayMs, signal);
  if (s.type === 'throw') throw transportError(s.code);
  return {
    httpStatus: s.httpStatus,
    headers: s.retryAfter === undefined ? {} : { 'retry-after': s.retryAfter },
    body: bodyOf(s),
    raw: 'raw',
  };
}

const FALLBACK: FakeStep = {
  type: 'answer',
  httpStatus: 500,
  code: '5024',
  paymentStatus: undefined,
  html: false,
  retryAfter: undefined,
  delayMs: 0,
};

interface Run {
  readonly settled: boolean;
  readonly outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  readonly sends: number;
  readonly sentSteps: readonly FakeStep[];
  readonly lookups: number;
  readonly elapsedMs: number;
  readonly events: ReturnType<typeof recordEvents>;
}

/** One call through a fresh engine, driven to its end on the fake clock. */
async function runOnFakeClock(options: {
  policy: PolicyOptions;
  kind: OperationKind;
  steps: readonly FakeStep[];
  orderRef?: string | undefined;
  lookups?: readonly FakeStep[] | undefined;
}): Promise<Run> {
  const engine: Engine = createEngine({ policy: options.policy });
  const events = recordEvents(engine);
  const sentSteps: FakeStep[] = [];
  let lookups = 0;
  const checkStatus: StatusCheck<string> | undefined =
    options.lookups === undefined
      ? undefined
      : (_ref, { signal }) => {
          const s = options.lookups?.[lookups] ?? options.lookups?.at(-1) ?? FALLBACK;
          lookups++;
          return play(s, signal);
        };
  const startedAt = Date.now();
  let settledAt = Number.NaN;
  let outcome: Run['outcome'];
  const promise = engine.execute<string>({
    method: options.kind === 'read' ? 'GET' : 'POST',
    url:
      options.kind === 'read'
        ? 'https://api.portone.cloud/api/transaction/ORDER-1/status'
        : 'https://api.portone.cloud/api/initiatePayment',
    kind: options.kind,
    ...(options.orderRef === undefined ? {} : { orderRef: options.orderRef }),
    ...(checkStatus === undefined ? {} : { checkStatus }),
    send: ({ signal }) => {
      const s = options.steps[sentSteps.length] ?? FALLBACK;
      sentSteps.push(s);
      return play(s, signal);
    },
  });
  promise.then(
    (value) => {
      settledAt = Date.now();
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      settledAt = Date.now();
      outcome = { ok: false, error };
    },
  );
  await vi.runAllTimersAsync();
  // Let the last continuations run (they need no timer).
  for (let i = 0; i < 5; i++) await Promise.resolve();
  events.stop();
  return {
    settled: outcome !== undefined,
    outcome,
    sends: sentSteps.length,
    sentSteps,
    lookups,
    elapsedMs: settledAt - startedAt,
    events,
  };
}

/** One fake-timer tick: the engine may settle in the tick its deadline timer fires. */
const TICK_MS = 1;

describe('the engine under any scripted sequence of answers (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles exactly once, with a bounded number of sends, within its deadline', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.constantFrom<OperationKind>('read', 'create', 'money-move'),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.option(fc.array(step, { minLength: 1, maxLength: 4 }), { nil: undefined }),
        async (policy, kind, steps, lookupSteps) => {
          const run = await runOnFakeClock({
            policy,
            kind,
            steps,
            orderRef: kind === 'create' ? 'ORDER-1' : undefined,
            lookups: lookupSteps,
          });
          // The promise settled, and said so exactly once.
          expect(run.settled).toBe(true);
          const ends = run.events.of('success').length + run.events.of('failure').length;
          expect(ends).toBe(1);
          if (run.outcome?.ok === false) expect(isPortOneError(run.outcome.error)).toBe(true);
          if (run.outcome?.ok === true) expect(run.events.of('success')).toHaveLength(1);

          // At most retries + 1 sends, plus one per poll (a read is polled by sending it again).
          const polls = run.events.of('poll').length;
          expect(run.sends).toBeLessThanOrEqual((policy.retries ?? 3) + 1 + polls);
          expect(run.events.of('attempt')).toHaveLength(run.sends);

          // The deadline holds; once polling starts, the poll deadline takes over from there. An
          // outcome still unknown at the deadline gets one last lookup, within its own timeout.
          const lastLookup =
            run.events.of('lookup').length > 0 ? (policy.attemptTimeoutMs ?? 10_000) : 0;
          const limit =
            (policy.deadlineMs ?? 30_000) +
            (polls > 0 ? (policy.pollDeadlineMs ?? 0) : 0) +
            lastLookup;
          expect(run.elapsedMs).toBeLessThanOrEqual(limit + TICK_MS);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never re-sends an ambiguous create that has no status check, whatever follows', async () => {
    const ambiguousFirst = fc.oneof(
      thrown.filter((t) => t.code === undefined || !NOT_SENT_CODES.includes(t.code)),
      hang,
      answer.map((a) => ({ ...a, code: undefined, html: true, httpStatus: 502 })),
      answer.map((a) => ({ ...a, code: '5024', paymentStatus: undefined, httpStatus: 500 })),
    );
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        ambiguousFirst,
        fc.array(step, { maxLength: 5 }),
        fc.option(fc.constant('ORDER-1'), { nil: undefined }),
        async (policy, first, rest, orderRef) => {
          const run = await runOnFakeClock({
            policy,
            kind: 'create',
            steps: [first, ...rest],
            orderRef,
          });
          expect(run.settled).toBe(true);
          expect(run.sends).toBe(1);
          expect(run.outcome?.ok).toBe(false);
          expect(isPortOneError((run.outcome as { error: unknown }).error)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('after an ECONNRESET, a create without a status check is sent exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, fc.array(step, { maxLength: 5 }), async (policy, rest) => {
        const run = await runOnFakeClock({
          policy,
          kind: 'create',
          steps: [{ type: 'throw', code: 'ECONNRESET', delayMs: 0 }, ...rest],
          orderRef: 'ORDER-1',
        });
        expect(run.sends).toBe(1);
        expect(run.outcome?.ok).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('re-sends a create only after a lookup found nothing, or when it surely never left', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.array(step, { minLength: 1, maxLength: 6 }),
        async (policy, steps, lookupSteps) => {
          const run = await runOnFakeClock({
            policy,
            kind: 'create',
            steps,
            orderRef: 'ORDER-1',
            lookups: lookupSteps,
          });
          expect(run.settled).toBe(true);
          const resends = run.events.of('reconcile').filter((e) => e.action === 'resend').length;
          const neverLeft = run.sentSteps
            .slice(0, -1)
            .filter((s) => s.type === 'throw' && NOT_SENT_CODES.includes(s.code ?? '')).length;
          expect(run.sends - 1).toBeLessThanOrEqual(resends + neverLeft);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a payment that never settles ends as PortOnePendingTimeoutError at the poll deadline', async () => {
    const pollPolicy = fc.record({
      pollIntervalMs: fc.integer({ min: 0, max: 20 }),
      pollMaxIntervalMs: fc.integer({ min: 20, max: 40 }),
      pollDeadlineMs: fc.integer({ min: 1, max: 60_000 }),
    });
    const pending: FakeStep = {
      type: 'answer',
      httpStatus: 200,
      code: '1000',
      paymentStatus: 'Pending',
      html: false,
      retryAfter: undefined,
      delayMs: 0,
    };
    await fc.assert(
      fc.asyncProperty(pollPolicy, async (policy) => {
        const run = await runOnFakeClock({
          policy,
          kind: 'create',
          steps: [pending],
          orderRef: 'ORDER-1',
          lookups: [pending],
        });
        expect(run.settled).toBe(true);
        const error = (run.outcome as { error: unknown }).error;
        expect(error).toBeInstanceOf(PortOnePendingTimeoutError);
        expect((error as PortOnePendingTimeoutError).orderRef).toBe('ORDER-1');
      }),
      {
        numRuns: 30,
        endOnFailure: true,
        examples: [[{ pollIntervalMs: 0, pollMaxIntervalMs: 20, pollDeadlineMs: 60_000 }]],
      },
    );
    // Runner time, not a product bound: up to 60 s of fake clock polled every few ms, 30 times,
    // is thousands of polls through the whole engine; on a loaded 2-core runner that nears 5 s.
  }, 20_000);
});
