/**
 * What the engine is about to emit (`lookup`, `operation`, `settledBy`, `durationMs`), emitted
 * here by hand through the engine's own emitter: the spans it must give once it lands.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ObservedEvents } from '../src/events.js';
import { ATTR, hashOrderRef, instrument, METRICS } from '../src/index.js';
import { counted, fakeEngine, named, parentOf, type Telemetry, telemetry } from './support.js';

const base = {
  operationId: 'op-1',
  attempt: 1,
  elapsedMs: 0,
  method: 'POST',
  url: 'https://api.portone.cloud/api/initiatePayment',
  orderRef: 'ORDER-42',
  operation: 'initiatePayment',
  endpoint: 'POST /api/initiatePayment',
} as const;

let t: Telemetry;
let fake: ReturnType<typeof fakeEngine>;
let remove: () => void;
beforeEach(() => {
  t = telemetry();
  fake = fakeEngine();
  remove = instrument(fake.engine, {
    tracerProvider: t.tracerProvider,
    meterProvider: t.meterProvider,
  });
});
afterEach(async () => {
  remove();
  await t.shutdown();
});

const spanId = (s: ReadableSpan | undefined) => s?.spanContext().spanId;
const ms = (s: ReadableSpan) => s.duration[0] * 1e3 + s.duration[1] / 1e6;

describe('lookup events (as the engine will emit them)', () => {
  it('a create settled by lookup: attempt, lookup and call spans; settled_by on the call', () => {
    fake.emit('attempt', base);
    fake.emit('response', {
      ...base,
      elapsedMs: 30,
      httpStatus: 0,
      kind: 'transport',
      durationMs: 30,
    });
    fake.emit('lookup', {
      ...base,
      elapsedMs: 80,
      purpose: 'reconcile',
      durationMs: 40,
      httpStatus: 200,
      status: 'Success',
      found: true,
    });
    fake.emit('reconcile', {
      ...base,
      elapsedMs: 80,
      found: true,
      action: 'follow',
      status: 'Success',
    });
    fake.emit('success', { ...base, elapsedMs: 81, attempts: 1, settledBy: 'lookup' });

    const spans = t.spans();
    expect(spans).toHaveLength(3);
    const [call] = named(spans, 'portone initiatePayment');
    const [lookup] = named(spans, 'portone lookup');
    expect(call?.attributes[ATTR.settledBy]).toBe('lookup');
    expect(parentOf(lookup as ReadableSpan)).toBe(spanId(call));
    expect(lookup?.kind).toBe(SpanKind.CLIENT);
    expect(lookup?.attributes).toMatchObject({
      [ATTR.lookupPurpose]: 'reconcile',
      [ATTR.statusCode]: 200,
      [ATTR.paymentStatus]: 'Success',
      [ATTR.lookupFound]: true,
      [ATTR.orderRefHash]: hashOrderRef('ORDER-42'),
    });
    // The lookup is over when its event fires: its span starts `durationMs` earlier.
    expect(ms(lookup as ReadableSpan)).toBeGreaterThanOrEqual(40);
    expect(ms(lookup as ReadableSpan)).toBeLessThan(1000);
  });

  it('a pending payment: each poll lookup is a child of its poll span, and ends it', async () => {
    fake.emit('attempt', base);
    fake.emit('response', {
      ...base,
      httpStatus: 200,
      kind: 'pending',
      durationMs: 1,
      status: 'Pending',
    });
    for (const [polls, status] of [
      [0, 'Pending'],
      [1, 'Success'],
    ] as const) {
      fake.emit('poll', { ...base, delayMs: 5, polls, status: 'Pending' });
      fake.emit('lookup', {
        ...base,
        purpose: 'poll',
        durationMs: 3,
        httpStatus: 200,
        status,
        found: true,
      });
    }
    fake.emit('success', { ...base, attempts: 1, settledBy: 'poll' });

    const spans = t.spans();
    const polls = named(spans, 'portone poll');
    const lookups = named(spans, 'portone lookup');
    const [call] = named(spans, 'portone initiatePayment');
    expect(spans).toHaveLength(1 + 1 + polls.length + lookups.length);
    expect(polls).toHaveLength(2);
    expect(lookups).toHaveLength(2);
    for (const poll of polls) expect(parentOf(poll)).toBe(spanId(call));
    expect(lookups.map(parentOf).sort()).toEqual(polls.map((p) => spanId(p)).sort());
    expect(call?.attributes[ATTR.settledBy]).toBe('poll');

    const metrics = await t.metrics();
    expect(counted(metrics, METRICS.lookups, { [ATTR.lookupPurpose]: 'poll' })).toBe(2);
    expect(counted(metrics, METRICS.polls, { [ATTR.operation]: 'initiatePayment' })).toBe(2);
  });

  it('a read polled by sending it again: each re-send is a child of its poll span, and ends it', () => {
    // An endpoint the catalogue does not name: named by method and template.
    const read = {
      ...base,
      operation: 'GET /api/transaction/{merchantOrderRef}/status',
      endpoint: 'GET /api/transaction/{merchantOrderRef}/status',
      method: 'GET',
      url: 'https://api.portone.cloud/api/transaction/ORDER-42/status',
    };
    fake.emit('attempt', read);
    fake.emit('response', {
      ...read,
      httpStatus: 200,
      kind: 'pending',
      durationMs: 1,
      status: 'Pending',
    });
    fake.emit('poll', { ...read, delayMs: 5, polls: 0, status: 'Pending' });
    fake.emit('attempt', { ...read, attempt: 2 });
    fake.emit('response', {
      ...read,
      attempt: 2,
      httpStatus: 200,
      kind: 'success',
      durationMs: 1,
      status: 'Success',
    });
    fake.emit('success', { ...read, attempt: 2, attempts: 2, settledBy: 'poll' });

    const spans = t.spans();
    const [call] = named(spans, 'portone GET /api/transaction/{merchantOrderRef}/status');
    const [poll] = named(spans, 'portone poll');
    const attempts = named(spans, 'GET');
    expect(spans).toHaveLength(4);
    expect(attempts.map(parentOf)).toEqual([spanId(call), spanId(poll)]);
    expect(parentOf(poll as ReadableSpan)).toBe(spanId(call));
    // The poll ended with its check, not with the call.
    expect(poll?.endTime).toEqual(attempts[1]?.endTime);
    // The ref in the path is a template parameter in url.full too.
    expect(attempts[0]?.attributes[ATTR.url]).toBe(
      'https://api.portone.cloud/api/transaction/{merchantOrderRef}/status',
    );
  });

  it('a lookup that brought no answer is an error span', () => {
    fake.emit('lookup', { ...base, purpose: 'reconcile', durationMs: 1, httpStatus: 0 });
    const [lookup] = named(t.spans(), 'portone lookup');
    expect(lookup?.attributes[ATTR.errorType]).toBe('transport');
    expect(lookup?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a response whose attempt event was missed still gets an attempt span, from its duration', () => {
    fake.emit('response', { ...base, httpStatus: 200, kind: 'success', durationMs: 25 });
    const [attempt] = named(t.spans(), 'POST');
    expect(ms(attempt as ReadableSpan)).toBeGreaterThanOrEqual(25);
  });
});

describe('calls whose end is never seen', () => {
  const attemptOf = (id: string): ObservedEvents['attempt'] => ({ ...base, operationId: id });

  it('beyond maxCallsInFlight, the oldest call’s span is ended as abandoned', () => {
    remove();
    remove = instrument(fake.engine, { tracerProvider: t.tracerProvider, maxCallsInFlight: 2 });
    fake.emit('attempt', attemptOf('a'));
    fake.emit('attempt', attemptOf('b'));
    expect(t.spans()).toHaveLength(0);
    fake.emit('attempt', attemptOf('c'));
    const ended = t.spans().filter((s) => s.attributes[ATTR.operationId] !== undefined);
    expect(ended.map((s) => s.attributes[ATTR.operationId])).toEqual(['a']);
    expect(ended[0]?.attributes['portone.abandoned']).toBe(true);
    // Its open attempt is ended with it.
    expect(named(t.spans(), 'POST')).toHaveLength(1);
  });

  it('a call older than maxCallAgeMs is ended when the next call begins', () => {
    remove();
    remove = instrument(fake.engine, { tracerProvider: t.tracerProvider, maxCallAgeMs: 1000 });
    const clock = vi.spyOn(performance, 'now');
    try {
      clock.mockReturnValue(10_000);
      fake.emit('attempt', attemptOf('old'));
      clock.mockReturnValue(10_500);
      fake.emit('attempt', attemptOf('younger'));
      clock.mockReturnValue(11_200);
      fake.emit('attempt', attemptOf('new'));
    } finally {
      clock.mockRestore();
    }
    const ended = t.spans().filter((s) => s.attributes[ATTR.operationId] !== undefined);
    expect(ended.map((s) => s.attributes[ATTR.operationId])).toEqual(['old']);
    expect(ended[0]?.attributes['portone.abandoned']).toBe(true);
  });

  it('removing the instrumentation ends open spans and stops listening', () => {
    fake.emit('attempt', attemptOf('open'));
    expect(fake.listenerCount()).toBeGreaterThan(0);
    remove();
    expect(fake.listenerCount()).toBe(0);
    expect(named(t.spans(), 'portone initiatePayment')[0]?.attributes['portone.abandoned']).toBe(
      true,
    );
    fake.emit('attempt', attemptOf('after'));
    expect(t.spans()).toHaveLength(2);
    remove();
  });
});
