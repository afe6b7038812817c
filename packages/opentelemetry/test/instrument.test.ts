import { createHash } from 'node:crypto';
import { metrics, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, CIRCUIT_STATE, hashOrderRef, instrument, METRICS } from '../src/index.js';
import { sha256Hex } from '../src/sha256.js';
import { fakeEngine, named, pointsOf, telemetry } from './support.js';

const base = {
  operationId: 'op-1',
  attempt: 1,
  elapsedMs: 0,
  method: 'POST',
  url: 'https://api.portone.cloud/api/initiatePayment',
  operation: 'initiatePayment',
  endpoint: 'POST /api/initiatePayment',
} as const;

describe('instrument', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('uses the global providers by default', async () => {
    const t = telemetry();
    trace.setGlobalTracerProvider(t.tracerProvider);
    metrics.setGlobalMeterProvider(t.meterProvider);
    const fake = fakeEngine();
    const remove = instrument(fake.engine);
    fake.emit('attempt', base);
    fake.emit('success', { ...base, attempts: 1, settledBy: 'answer' });
    remove();
    expect(named(t.spans(), 'portone initiatePayment')).toHaveLength(1);
    expect(pointsOf(await t.metrics(), METRICS.attempts)).toHaveLength(1);
    await t.shutdown();
  });

  it('refuses what is not an engine, and bad options by name', () => {
    const { engine } = fakeEngine();
    expect(() => instrument({} as never)).toThrow(/engine must be a portone-retry engine/);
    expect(() => instrument(engine, { maxCallsInFlight: 0 })).toThrow(
      new TypeError('instrument: maxCallsInFlight must be a positive integer'),
    );
    expect(() => instrument(engine, { maxCallAgeMs: 1.5 })).toThrow(/maxCallAgeMs/);
    expect(() => instrument(engine, { tracerProvider: {} as never })).toThrow(/tracerProvider/);
    expect(() => instrument(engine, { meterProvider: {} as never })).toThrow(/meterProvider/);
    expect(() => instrument(engine, { tracer: 1 } as never)).toThrow(/unknown option "tracer"/);
  });

  it('the remover can be called twice', () => {
    const fake = fakeEngine();
    const remove = instrument(fake.engine);
    remove();
    remove();
    expect(fake.listenerCount()).toBe(0);
  });
});

describe('a call that fails before any attempt (an open breaker)', () => {
  it('still gets its span, an error, and its duration', async () => {
    const t = telemetry();
    const fake = fakeEngine();
    const remove = instrument(fake.engine, {
      tracerProvider: t.tracerProvider,
      meterProvider: t.meterProvider,
    });
    const error = Object.assign(new Error('open'), {
      name: 'PortOneCircuitOpenError',
      code: undefined,
      series: 'transport',
      outcome: 'fail',
      attempts: 0,
      httpStatus: undefined,
    });
    fake.emit('failure', { ...base, elapsedMs: 1, error: error as never });
    remove();
    const [call] = t.spans();
    expect(t.spans()).toHaveLength(1);
    expect(call?.status).toEqual({ code: 2, message: 'PortOneCircuitOpenError' });
    expect(call?.attributes[ATTR.errorType]).toBe('PortOneCircuitOpenError');
    expect(call?.attributes['portone.abandoned']).toBeUndefined();
    const [duration] = pointsOf(await t.metrics(), METRICS.callDuration);
    expect(duration?.attributes).toMatchObject({ [ATTR.outcome]: 'fail' });
    await t.shutdown();
  });
});

describe('gauges', () => {
  it('reports the last budget and each breaker’s state', async () => {
    const t = telemetry();
    const fake = fakeEngine();
    const remove = instrument(fake.engine, { meterProvider: t.meterProvider });
    expect(pointsOf(await t.metrics(), METRICS.budgetAvailable)).toHaveLength(0);
    fake.emit('budget', { ...base, available: 3 });
    fake.emit('circuit', {
      key: 'POST /api/initiatePayment @MOMOPAY',
      from: 'closed',
      to: 'open',
      scope: 'fleet',
    });
    fake.emit('circuit', {
      key: 'POST /api/paymentLink',
      from: 'open',
      to: 'half-open',
      scope: 'fleet',
    });
    const m = await t.metrics();
    expect(pointsOf(m, METRICS.budgetAvailable).map((p) => p.value)).toEqual([3]);
    expect(
      pointsOf(m, METRICS.circuitState).map((p) => [p.attributes[ATTR.circuitKey], p.value]),
    ).toEqual([
      ['POST /api/initiatePayment @MOMOPAY', CIRCUIT_STATE.open],
      ['POST /api/paymentLink', CIRCUIT_STATE['half-open']],
    ]);
    remove();
    await t.shutdown();
  });
});

describe('the order ref hash', () => {
  it('is SHA-256, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
      }),
      { numRuns: 300 },
    );
    expect(hashOrderRef('ORDER-1')).toBe(
      createHash('sha256').update('ORDER-1').digest('hex').slice(0, 16),
    );
  });
});
