/**
 * One subscription gives logs, metrics and traces: feed counters and a latency histogram that
 * you would export to Prometheus, Datadog or OpenTelemetry.
 * Run: pnpm tsx examples/events-metrics.ts
 */
import { createEngine, type Engine } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { runAgainstSimulator } from './support.js';

/** The smallest metrics registry: counters by label, and a histogram with fixed buckets. */
export class Metrics {
  readonly counters = new Map<string, number>();
  readonly buckets = [10, 50, 100, 500, 1000, 5000, Number.POSITIVE_INFINITY];
  readonly histogram = new Map<number, number>();

  inc(name: string, labels: Record<string, string | number> = {}): void {
    const key = `${name}{${Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  observe(ms: number): void {
    const bucket = this.buckets.find((le) => ms <= le) as number;
    this.histogram.set(bucket, (this.histogram.get(bucket) ?? 0) + 1);
  }
}

/** Subscribes once; returns a function that unsubscribes everything. */
export function instrument(engine: Engine, metrics: Metrics, log = console.log): () => void {
  const offs = [
    engine.on('attempt', () => metrics.inc('portone_attempts_total')),
    engine.on('retry', (e) => {
      metrics.inc('portone_retries_total', { code: e.error.code ?? e.error.series });
      log(
        JSON.stringify({
          level: 'warn',
          msg: 'portone retry',
          op: e.operationId,
          attempt: e.attempt,
          delayMs: e.delayMs,
          reason: e.reason,
        }),
      );
    }),
    engine.on('reconcile', (e) =>
      metrics.inc('portone_reconciles_total', { found: String(e.found), action: e.action }),
    ),
    engine.on('poll', () => metrics.inc('portone_polls_total')),
    engine.on('success', (e) => {
      metrics.inc('portone_calls_total', { outcome: 'success' });
      metrics.observe(e.elapsedMs);
    }),
    engine.on('failure', (e) => {
      metrics.inc('portone_calls_total', { outcome: 'failure', error: e.error.name });
      metrics.observe(e.elapsedMs);
      // toJSON() is redacted: safe to log whole.
      log(JSON.stringify({ level: 'error', msg: 'portone call failed', error: e.error.toJSON() }));
    }),
    engine.on('surface', (e) =>
      metrics.inc('portone_declines_total', { code: e.error.code ?? 'none' }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}

runAgainstSimulator(import.meta.url, async (sim) => {
  const engine = createEngine({ policy: { minDelayMs: 10, maxDelayMs: 50 } });
  const metrics = new Metrics();
  instrument(engine, metrics);
  const portoneFetch = createPortOneFetch({ engine, baseUrl: sim.url });
  sim.setFaults({ rate: 0.3, code: 5024, seed: 7 });
  for (let i = 0; i < 20; i++) {
    await portoneFetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      body: JSON.stringify({ merchant_order_id: `M-${i}`, amount: 100 }),
    }).catch(() => undefined);
  }
  console.table(Object.fromEntries(metrics.counters));
  console.table(Object.fromEntries([...metrics.histogram].map(([le, n]) => [`le ${le}`, n])));
});
