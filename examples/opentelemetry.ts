/**
 * OpenTelemetry traces and metrics of PortOne calls: each call is a span under the checkout's own
 * span, with a child per attempt, status lookup and poll; metrics count attempts, retries, polls
 * and declines. Exported here to the console; in production, to your OTLP collector.
 * Run: pnpm tsx examples/opentelemetry.ts
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createEngine } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { instrument } from '@portone-retry/opentelemetry';
import { paymentRequest } from './signing.js';
import { runAgainstSimulator } from './support.js';

runAgainstSimulator(import.meta.url, async (sim) => {
  // What the Node SDK (`@opentelemetry/sdk-node`) sets up for you: async context, providers.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new ConsoleMetricExporter(),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  const engine = createEngine({ policy: { minDelayMs: 10, maxDelayMs: 50, pollIntervalMs: 20 } });
  const portoneFetch = createPortOneFetch({ engine, baseUrl: sim.url });
  // Once, at start-up: the global providers are used.
  const uninstrument = instrument(portoneFetch.portone);

  const checkout = trace.getTracer('checkout');
  const pay = (orderRef: string) =>
    checkout.startActiveSpan('checkout', async (span) => {
      try {
        await portoneFetch(`${sim.url}/api/initiatePayment`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            await paymentRequest({ id: orderRef, amount: 1000, currency: 'KRW' }),
          ),
        });
      } catch {
        // A decline: the span of the PortOne call says which.
      } finally {
        span.end();
      }
    });

  sim.script('POST /api/initiatePayment', [{ code: 5024 }, { code: 5024 }]);
  await pay('ORDER-OTEL-1'); // a PSP hiccup twice, then paid: three attempt spans
  sim.script('POST /api/initiatePayment', [{ code: 6014 }]);
  await pay('ORDER-OTEL-2'); // declined: the call span is an error with portone.code 6014
  sim.script('POST /api/initiatePayment', [{ pending: 2 }]);
  await pay('ORDER-OTEL-3'); // pending: a poll span per status check until it settles
  sim.script('POST /api/initiatePayment', [{ reset: 'after' }]);
  await pay('ORDER-OTEL-4'); // the answer is lost: reconciled by order ref, paid once

  uninstrument();
  // Shutting down exports what is left: every span, and the metrics once.
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});
