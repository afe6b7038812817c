/**
 * Spans and metrics of real calls: the fetch adapter against the loopback PortOne simulator, with
 * the in-memory exporters. The span tree of a call must add up with the events the engine emitted
 * and with what the server saw.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createEngine, type Engine, PortOneCardError } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR, hashOrderRef, instrument, METRICS } from '../src/index.js';
import {
  countEvents,
  counted,
  named,
  parentOf,
  pointsOf,
  type Telemetry,
  telemetry,
  useAsyncContext,
} from './support.js';

const CREATE = 'POST /api/initiatePayment';
const statusRoute = (ref: string) => `GET /api/transaction/${ref}/status`;
/** The call span's name, by catalogue id once the engine names operations, by template until then. */
const CREATE_SPAN = /^portone (initiatePayment|POST \/api\/initiatePayment)$/;

let sim: Simulator;
let restoreContext: () => void;
beforeAll(async () => {
  sim = await startSimulator({ validate: false });
  restoreContext = useAsyncContext();
});
afterAll(async () => {
  restoreContext();
  await sim.close();
});

let t: Telemetry;
let engine: Engine;
let remove: () => void;
let events: ReturnType<typeof countEvents>;
let refs = 0;
beforeEach(() => {
  t = telemetry();
  engine = createEngine({
    policy: {
      retries: 4,
      minDelayMs: 1,
      maxDelayMs: 5,
      pollIntervalMs: 2,
      pollMaxIntervalMs: 5,
    },
  });
  remove = instrument(engine, { tracerProvider: t.tracerProvider, meterProvider: t.meterProvider });
  events = countEvents(engine);
});
afterEach(async () => {
  events.stop();
  remove();
  await t.shutdown();
});

const newRef = () => `OTEL-${process.pid}-${++refs}`;

function pay(ref: string): Promise<Response> {
  const portoneFetch = createPortOneFetch({ engine, baseUrl: sim.url });
  return portoneFetch(`${sim.url}/api/initiatePayment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ merchant_order_id: ref, amount: 1000, currency: 'KRW' }),
  });
}

/** The call spans: the only ones that carry the engine's operation id. */
const callSpans = (spans: ReadableSpan[]) =>
  spans.filter((s) => s.attributes[ATTR.operationId] !== undefined);
/** The attempt spans (HTTP client spans named by method), in the order they were sent. */
const attemptSpans = (spans: ReadableSpan[]) =>
  spans
    .filter((s) => s.kind === SpanKind.CLIENT && s.name === 'POST')
    .sort((a, b) => (a.startTime[0] - b.startTime[0]) * 1e9 + (a.startTime[1] - b.startTime[1]));

/** The span tree adds up: one call span, and a child per attempt, lookup and poll. */
function expectSpanCountOfEvents(spans: ReadableSpan[]): void {
  expect(spans).toHaveLength(1 + events.of('attempt') + events.of('lookup') + events.of('poll'));
  expect(callSpans(spans)).toHaveLength(1);
  expect(named(spans, 'portone poll')).toHaveLength(events.of('poll'));
  expect(named(spans, 'portone lookup')).toHaveLength(events.of('lookup'));
}

describe('traces', () => {
  it('a clean payment: a call span under the caller’s span, with one attempt, order ref hashed', async () => {
    const ref = newRef();
    const tracer = t.tracerProvider.getTracer('checkout');
    await tracer.startActiveSpan('checkout', async (checkout) => {
      // A wait first: the context must survive an await before the call, as in a real handler.
      await new Promise((resolve) => setTimeout(resolve, 1));
      await pay(ref);
      checkout.end();
    });

    const spans = t.spans();
    const checkout = named(spans, 'checkout')[0] as ReadableSpan;
    const [call] = callSpans(spans);
    const [attempt] = attemptSpans(spans);
    expect(spans).toHaveLength(3);
    expect(call?.name).toMatch(CREATE_SPAN);
    expect(parentOf(call as ReadableSpan)).toBe(checkout.spanContext().spanId);
    expect(call?.spanContext().traceId).toBe(checkout.spanContext().traceId);
    expect(parentOf(attempt as ReadableSpan)).toBe(call?.spanContext().spanId);
    expect(call?.kind).toBe(SpanKind.INTERNAL);
    expect(call?.status.code).toBe(SpanStatusCode.UNSET);
    expect(call?.attributes).toMatchObject({
      [ATTR.method]: 'POST',
      [ATTR.url]: `${sim.url}/api/initiatePayment`,
      [ATTR.orderRefHash]: hashOrderRef(ref),
      [ATTR.outcome]: 'success',
      [ATTR.attempts]: 1,
    });
    expect(attempt?.attributes).toMatchObject({
      [ATTR.method]: 'POST',
      [ATTR.statusCode]: 200,
      [ATTR.serverAddress]: '127.0.0.1',
      [ATTR.serverPort]: Number(new URL(sim.url).port),
    });
    // The first send is no re-send: the conventions leave the count out.
    expect(attempt?.attributes[ATTR.resendCount]).toBeUndefined();
    expect(JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]))).not.toContain(ref);
  });

  it('without a caller’s span, the call span is a root', async () => {
    await pay(newRef());
    const [call] = callSpans(t.spans());
    expect(parentOf(call as ReadableSpan)).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('5024 twice then success: three attempts, re-sends counted 1 and 2, two retries', async () => {
    sim.script(CREATE, [{ code: 5024 }, { code: 5024 }]);
    const sentBefore = sim.requests(CREATE);
    await pay(newRef());

    const spans = t.spans();
    expectSpanCountOfEvents(spans);
    const attempts = attemptSpans(spans);
    expect(attempts).toHaveLength(3);
    expect(sim.requests(CREATE) - sentBefore).toBe(3);
    expect(attempts.map((s) => s.attributes[ATTR.resendCount])).toEqual([undefined, 1, 2]);
    for (const failed of attempts.slice(0, 2)) {
      expect(failed.attributes).toMatchObject({
        [ATTR.statusCode]: 500,
        [ATTR.code]: 5024,
        [ATTR.errorType]: '500',
      });
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    }
    expect(attempts[2]?.attributes[ATTR.statusCode]).toBe(200);
    expect(attempts[2]?.status.code).toBe(SpanStatusCode.UNSET);

    const [call] = callSpans(spans);
    expect(call?.status.code).toBe(SpanStatusCode.UNSET);
    expect(call?.attributes[ATTR.attempts]).toBe(3);
    const retries = call?.events.filter((e) => e.name === 'portone.retry') ?? [];
    expect(retries.map((e) => e.attributes?.[ATTR.code])).toEqual([5024, 5024]);

    const metrics = await t.metrics();
    expect(counted(metrics, METRICS.attempts)).toBe(3);
    expect(counted(metrics, METRICS.retries, { [ATTR.code]: 5024 })).toBe(2);
    const [duration] = pointsOf(metrics, METRICS.callDuration);
    expect(duration?.attributes[ATTR.outcome]).toBe('success');
    expect((duration?.value as { count: number } | undefined)?.count).toBe(1);
  });

  it('resend counts run 1..n on every re-send', async () => {
    sim.script(CREATE, [{ code: 5024 }, { code: 5024 }, { code: 5024 }, { code: 5024 }]);
    await pay(newRef());
    const counts = attemptSpans(t.spans()).map((s) => s.attributes[ATTR.resendCount]);
    expect(counts).toEqual([undefined, 1, 2, 3, 4]);
    expect(events.of('attempt')).toBe(5);
  });

  it('a decline: the call span is an error with the code, counted as a decline', async () => {
    sim.script(CREATE, [{ code: 6014 }]);
    await expect(pay(newRef())).rejects.toBeInstanceOf(PortOneCardError);

    const spans = t.spans();
    expectSpanCountOfEvents(spans);
    const [call] = callSpans(spans);
    expect(call?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'PortOneCardError 6014' });
    expect(call?.attributes).toMatchObject({
      [ATTR.errorType]: 'PortOneCardError',
      [ATTR.code]: 6014,
      [ATTR.series]: 'card',
      [ATTR.outcome]: 'surface',
    });
    expect(call?.events.map((e) => e.name)).toContain('portone.surface');
    const [attempt] = attemptSpans(spans);
    expect(attempt?.attributes[ATTR.code]).toBe(6014);
    expect(attempt?.status.code).toBe(SpanStatusCode.ERROR);

    const metrics = await t.metrics();
    expect(counted(metrics, METRICS.declines, { [ATTR.code]: 6014, [ATTR.series]: 'card' })).toBe(
      1,
    );
    expect(counted(metrics, METRICS.retries)).toBe(0);
    const [duration] = pointsOf(metrics, METRICS.callDuration);
    expect(duration?.attributes).toMatchObject({
      [ATTR.outcome]: 'surface',
      [ATTR.errorType]: 'PortOneCardError',
    });
  });

  it('a pending payment polled: a poll span per poll under the call, until it settles', async () => {
    const ref = newRef();
    sim.script(CREATE, [{ pending: 2 }]);
    await pay(ref);

    const spans = t.spans();
    expectSpanCountOfEvents(spans);
    const polls = named(spans, 'portone poll');
    expect(polls.length).toBeGreaterThan(0);
    // Each poll is a wait and the status check after it.
    expect(polls.length).toBe(sim.requests(statusRoute(ref)));
    const [call] = callSpans(spans);
    for (const poll of polls) expect(parentOf(poll)).toBe(call?.spanContext().spanId);
    // `portone.polls`: the status checks made before this one.
    expect(polls.map((p) => p.attributes[ATTR.polls])).toEqual(polls.map((_, i) => i));
    expect(call?.attributes[ATTR.outcome]).toBe('success');

    const metrics = await t.metrics();
    expect(counted(metrics, METRICS.polls)).toBe(polls.length);
    expect(counted(metrics, METRICS.lookups)).toBe(events.of('lookup'));
  });

  it('a create whose answer was lost, settled by looking it up: one payment, one call span', async () => {
    const ref = newRef();
    sim.script(CREATE, [{ reset: 'after' }]);
    await pay(ref);
    expect(sim.ledger.count(ref)).toBe(1);

    const spans = t.spans();
    expectSpanCountOfEvents(spans);
    const [attempt] = attemptSpans(spans);
    expect(attempt?.attributes[ATTR.errorType]).toBe('transport');
    expect(attempt?.attributes[ATTR.statusCode]).toBeUndefined();
    const [call] = callSpans(spans);
    expect(call?.attributes[ATTR.outcome]).toBe('success');
    const reconcile = call?.events.find((e) => e.name === 'portone.reconcile');
    expect(reconcile?.attributes).toMatchObject({
      [ATTR.lookupFound]: true,
      [ATTR.reconcileAction]: 'follow',
      [ATTR.paymentStatus]: 'Success',
    });
    // `settledBy` is the engine's to give: once it does, a lookup settled this call.
    if (call?.attributes[ATTR.settledBy] !== undefined) {
      expect(call.attributes[ATTR.settledBy]).toBe('lookup');
    }

    const metrics = await t.metrics();
    expect(counted(metrics, METRICS.reconciles, { [ATTR.reconcileAction]: 'follow' })).toBe(1);
  });

  it('one lookup span per status request the server saw: a reconciled create and a polled payment', async () => {
    const lost = newRef();
    sim.script(CREATE, [{ reset: 'after' }]);
    await pay(lost);
    const polled = newRef();
    sim.script(CREATE, [{ pending: 2 }]);
    await pay(polled);

    const lookups = named(t.spans(), 'portone lookup');
    const seen = sim.requests(statusRoute(lost)) + sim.requests(statusRoute(polled));
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(lookups).toHaveLength(seen);
    const polls = named(t.spans(), 'portone poll');
    const pollIds = new Set(polls.map((p) => p.spanContext().spanId));
    // The polled payment's lookups are children of its poll spans; the reconcile's of its call.
    expect(lookups.filter((l) => pollIds.has(parentOf(l) ?? '')).length).toBe(
      sim.requests(statusRoute(polled)),
    );
  });
});
