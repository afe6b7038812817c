import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import { ATTR, operationOf, paymentStatusOf } from './attributes.js';
import { type Observable, type ObservedEvents, subscribe } from './events.js';

/** Metric names, as OpenTelemetry names them; Prometheus shows `.` as `_` plus a unit suffix. */
export const METRICS = {
  callDuration: 'portone.call.duration',
  attempts: 'portone.attempts',
  retries: 'portone.retries',
  lookups: 'portone.lookups',
  polls: 'portone.polls',
  reconciles: 'portone.reconciles',
  declines: 'portone.declines',
  budgetAvailable: 'portone.budget.available',
  circuitState: 'portone.circuit.state',
} as const;

/** `portone.circuit.state` values: a number, so one series per breaker can be graphed. */
export const CIRCUIT_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Bucket bounds of the call duration, in seconds: an answer in tens of ms, retries over seconds,
 * and a pending payment polled for minutes.
 */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Breakers tracked by the gauge at most: one per endpoint and PSP channel is far fewer. */
const MAX_BREAKERS = 1000;

/**
 * Turns an engine's events into metrics. Every label is low in cardinality and secret-free:
 * operation, outcome, codes, series, statuses, method, breaker key (an endpoint template and a
 * channel name). Returns the function that stops.
 */
export function meterCalls(engine: Observable, meter: Meter): () => void {
  const duration = meter.createHistogram(METRICS.callDuration, {
    description: 'Duration of PortOne calls, retries, lookups and polling included',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const attempts = meter.createCounter(METRICS.attempts, {
    description: 'Requests sent to PortOne (first sends and re-sends)',
    unit: '{attempt}',
  });
  const retries = meter.createCounter(METRICS.retries, {
    description: 'Re-sends scheduled after a retryable failure',
    unit: '{retry}',
  });
  const lookups = meter.createCounter(METRICS.lookups, {
    description: 'Payment status lookups by order ref (reconciling or polling)',
    unit: '{lookup}',
  });
  const polls = meter.createCounter(METRICS.polls, {
    description: 'Waits before checking a pending payment again',
    unit: '{poll}',
  });
  const reconciles = meter.createCounter(METRICS.reconciles, {
    description: 'Ambiguous creates looked up by order ref, by what was done',
    unit: '{reconcile}',
  });
  const declines = meter.createCounter(METRICS.declines, {
    description: 'Failures shown to the customer (card declines, failed or expired payments)',
    unit: '{decline}',
  });
  const budget = meter.createObservableGauge(METRICS.budgetAvailable, {
    description: 'Retry budget tokens available, as last reported by the engine',
    unit: '{token}',
  });
  const circuit = meter.createObservableGauge(METRICS.circuitState, {
    description: 'Circuit breaker state per key: 0 closed, 1 half-open, 2 open',
    unit: '1',
  });

  let budgetAvailable: number | undefined;
  const breakers = new Map<string, number>();
  const observeBudget = (result: ObservableResult) => {
    if (budgetAvailable !== undefined) result.observe(budgetAvailable);
  };
  const observeCircuit = (result: ObservableResult) => {
    for (const [key, state] of breakers) result.observe(state, { [ATTR.circuitKey]: key });
  };
  budget.addCallback(observeBudget);
  circuit.addCallback(observeCircuit);

  const listeners: { [E in keyof ObservedEvents]?: (e: ObservedEvents[E]) => void } = {
    attempt(e) {
      attempts.add(1, { [ATTR.operation]: operationOf(e), [ATTR.method]: e.method });
    },
    retry(e) {
      retries.add(1, {
        [ATTR.operation]: operationOf(e),
        [ATTR.series]: e.error.series,
        ...codeOf(e.error.code),
      });
    },
    lookup(e) {
      const status = paymentStatusOf(e.status);
      lookups.add(1, {
        [ATTR.operation]: operationOf(e),
        [ATTR.lookupPurpose]: e.purpose,
        ...(status === undefined ? {} : { [ATTR.paymentStatus]: status }),
        ...(e.found === undefined ? {} : { [ATTR.lookupFound]: e.found }),
      });
    },
    poll(e) {
      const status = paymentStatusOf(e.status);
      polls.add(1, {
        [ATTR.operation]: operationOf(e),
        ...(status === undefined ? {} : { [ATTR.paymentStatus]: status }),
      });
    },
    reconcile(e) {
      reconciles.add(1, {
        [ATTR.operation]: operationOf(e),
        [ATTR.lookupFound]: e.found,
        [ATTR.reconcileAction]: e.action,
      });
    },
    surface(e) {
      declines.add(1, {
        [ATTR.operation]: operationOf(e),
        [ATTR.series]: e.error.series,
        ...codeOf(e.error.code),
      });
    },
    budget(e) {
      budgetAvailable = e.available;
    },
    circuit(e) {
      if (!breakers.has(e.key) && breakers.size >= MAX_BREAKERS) return;
      breakers.set(e.key, CIRCUIT_STATE[e.to]);
    },
    success(e) {
      duration.record(e.elapsedMs / 1000, {
        [ATTR.operation]: operationOf(e),
        [ATTR.outcome]: 'success',
        ...(e.settledBy === undefined ? {} : { [ATTR.settledBy]: e.settledBy }),
      });
    },
    failure(e) {
      duration.record(e.elapsedMs / 1000, {
        [ATTR.operation]: operationOf(e),
        [ATTR.outcome]: e.error.outcome,
        [ATTR.errorType]: e.error.name,
      });
    },
  };

  const offs = (Object.keys(listeners) as (keyof ObservedEvents)[]).map((name) =>
    subscribe(engine, name, listeners[name] as (e: ObservedEvents[typeof name]) => void),
  );
  return () => {
    for (const off of offs) off();
    budget.removeCallback(observeBudget);
    circuit.removeCallback(observeCircuit);
  };
}

const codeOf = (code: number | undefined): Attributes =>
  code === undefined ? {} : { [ATTR.code]: code };
