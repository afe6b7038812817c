import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  createEngine,
  type Engine,
  PORTONE_EVENT_NAMES,
  type PortOneEvents,
} from '@portone-retry/core';
import type { ObservedEvents } from '../src/events.js';

/** Tracer and meter providers that keep what they export, for a test to read. */
export function telemetry() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    // Exports only when a test flushes.
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    /** Every span ended so far. */
    spans: (): ReadableSpan[] => spans.getFinishedSpans(),
    /** Every metric as of now, by name. */
    async metrics(): Promise<Map<string, MetricData>> {
      await meterProvider.forceFlush();
      const last = exporter.getMetrics().at(-1);
      const out = new Map<string, MetricData>();
      for (const scope of last?.scopeMetrics ?? []) {
        for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
      }
      return out;
    },
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export type Telemetry = ReturnType<typeof telemetry>;

/** The data points of a metric (none when it was never recorded). */
export function pointsOf(metrics: Map<string, MetricData>, name: string): DataPoint<unknown>[] {
  return (metrics.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

/** The sum of a counter's points whose attributes include `match`. */
export function counted(
  metrics: Map<string, MetricData>,
  name: string,
  match: Record<string, unknown> = {},
): number {
  return pointsOf(metrics, name)
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (p.value as number), 0);
}

/** Installs AsyncLocalStorage as the global context manager, as the Node SDK does. */
export function useAsyncContext(): () => void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return () => context.disable();
}

/** Counts the events an engine emits by name, `lookup` included once the engine emits it. */
export function countEvents(engine: Pick<Engine, 'on'>) {
  const counts = new Map<string, number>();
  const on = engine.on as unknown as (name: string, fn: () => void) => () => void;
  // A set: once the engine lists `lookup` itself, it is still counted once.
  const offs = [...new Set<string>([...PORTONE_EVENT_NAMES, 'lookup'])].map((name) =>
    on.call(engine, name, () => counts.set(name, (counts.get(name) ?? 0) + 1)),
  );
  return {
    of: (name: keyof ObservedEvents) => counts.get(name) ?? 0,
    stop: () => {
      for (const off of offs) off();
    },
  };
}

/** An engine that only emits what a test tells it to: the events, without a call behind them. */
export function fakeEngine() {
  const events = createEngine().events;
  const engine = {
    on(name: string, listener: (...args: never[]) => void) {
      events.on(name as keyof PortOneEvents, listener as never);
      return () => {
        events.off(name as keyof PortOneEvents, listener as never);
      };
    },
  } as unknown as Pick<Engine, 'on'>;
  const emit = <E extends keyof ObservedEvents>(name: E, payload: ObservedEvents[E]) => {
    (events.emit as unknown as (name: string, payload: unknown) => boolean).call(
      events,
      name,
      payload,
    );
  };
  return {
    engine,
    emit,
    listenerCount: () => events.eventNames().reduce((n, e) => n + events.listenerCount(e), 0),
  };
}

/** The spans named `name`. */
export const named = (spans: ReadableSpan[], name: string | RegExp) =>
  spans.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));

/** The span's parent span id, if any. */
export const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
