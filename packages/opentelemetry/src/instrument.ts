import { metrics, trace } from '@opentelemetry/api';
import type { Observable } from './events.js';
import { meterCalls } from './metrics.js';
import { type InstrumentOptions, resolveOptions } from './options.js';
import { traceCalls } from './tracing.js';

/** The instrumentation scope: the name a backend shows next to each span and metric. */
export const SCOPE_NAME = '@portone-retry/opentelemetry';

/**
 * Traces and meters every call of `engine` through its public events: a span per call with a
 * child per attempt, status lookup and poll, and the metrics in the README. Uses the global
 * providers unless given others. Returns the function that removes it (spans still open are
 * ended).
 *
 * @example
 * const portoneFetch = createPortOneFetch();
 * const uninstrument = instrument(portoneFetch.portone);
 */
export function instrument(engine: Observable, options?: InstrumentOptions): () => void {
  if (typeof engine !== 'object' || engine === null || typeof engine.on !== 'function') {
    throw new TypeError(
      'instrument: engine must be a portone-retry engine (createEngine(), or the adapter’s .portone)',
    );
  }
  const resolved = resolveOptions(options);
  const tracer = (resolved.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE_NAME);
  const meter = (resolved.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE_NAME);
  const offs = [traceCalls(engine, tracer, resolved), meterCalls(engine, meter)];
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const off of offs) off();
  };
}
