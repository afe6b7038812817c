import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

/** Options of `instrument`. */
export interface InstrumentOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`)
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where metrics go.
   * @default the global meter provider (`metrics.getMeterProvider()`)
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Calls traced at once. A call beyond this ends the span of the oldest one, so that calls whose
   * end is never seen (a process that drops them, an engine error) cannot hold spans forever.
   * @default 10000
   */
  readonly maxCallsInFlight?: number;
  /**
   * A call traced for longer than this has its span ended (with `portone.abandoned`) when the
   * next call starts. Above the engine's longest call: its deadline plus polling of a pending
   * payment, which a payment method can keep open for many minutes.
   * @default 3600000 (one hour)
   */
  readonly maxCallAgeMs?: number;
}

/** Options with every default filled in. */
export interface ResolvedInstrumentOptions {
  readonly tracerProvider: TracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly maxCallsInFlight: number;
  readonly maxCallAgeMs: number;
}

const KNOWN = new Set(['tracerProvider', 'meterProvider', 'maxCallsInFlight', 'maxCallAgeMs']);

/** Checks the options by name and fills in the defaults. */
export function resolveOptions(options: InstrumentOptions | undefined): ResolvedInstrumentOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('instrument: options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`instrument: unknown option ${JSON.stringify(key)}`);
  }
  const { tracerProvider, meterProvider } = options;
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== 'function') {
    throw new TypeError('instrument: tracerProvider must have getTracer()');
  }
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== 'function') {
    throw new TypeError('instrument: meterProvider must have getMeter()');
  }
  return {
    tracerProvider,
    meterProvider,
    maxCallsInFlight: positiveInteger('maxCallsInFlight', options.maxCallsInFlight, 10_000),
    maxCallAgeMs: positiveInteger('maxCallAgeMs', options.maxCallAgeMs, 3_600_000),
  };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`instrument: ${name} must be a positive integer`);
  }
  return value;
}
