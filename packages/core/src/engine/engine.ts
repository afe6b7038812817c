import { isPortOneError, type PortOneError } from '../errors/index.js';
import { PortOneEventEmitter, type PortOneEventName, type PortOneListener } from '../events.js';
import { createPolicy, isPolicy, type Policy, type PolicyOptions } from '../policy/index.js';
import {
  assertResilienceStore,
  type CircuitBreakerOptions,
  type CircuitChange,
  createCircuitBreaker,
  createMemoryStore,
  createRetryBudget,
  type ResilienceStore,
  type RetryBudgetOptions,
} from '../resilience/index.js';
import type { Classification } from '../types.js';
import type { Call, CallScope } from './call.js';
import { Stop } from './control.js';
import { pendingClassification } from './poll-until-settled.js';
import { afterFirst, type CallEnd, runCall } from './run-call.js';
import { CallAbort } from './signals.js';
import type { Operation } from './types.js';

/** Options of `createEngine`. */
export interface EngineOptions {
  /**
   * The policy, or overrides to build one from.
   * @default createPolicy()
   */
  policy?: Policy | PolicyOptions;
  /**
   * Source of jitter in [0, 1).
   * @default Math.random
   */
  random?: () => number;
  /**
   * Clock in ms, for elapsed times.
   * @default Date.now
   */
  now?: () => number;
  /**
   * The retry budget, a token bucket shared by every call of the engine (AWS standard-mode
   * numbers by default: 500 tokens, 5 per retry, 10 per retry after a timeout, refunded on
   * success). With the bucket empty a retryable failure fails at once and `budget` is emitted.
   * `false` turns it off.
   * @default {}
   */
  budget?: RetryBudgetOptions | false;
  /**
   * A circuit breaker per endpoint and PSP channel: `true` for the defaults, or options. While
   * open, calls fail fast with `PortOneCircuitOpenError`; `circuit` is emitted on every change.
   * @default false
   */
  breaker?: CircuitBreakerOptions | boolean;
  /**
   * Where budget and breaker state live; share a Redis store (`@portone-retry/redis-store`) so
   * a fleet sees one budget and one breaker.
   * @default createMemoryStore()
   */
  store?: ResilienceStore;
}

/** Runs calls: classifies each answer, decides, waits, polls, reconciles, and emits events. */
export interface Engine {
  /** The typed emitter (eventemitter3). A listener that throws never breaks a call. */
  readonly events: PortOneEventEmitter;
  /** The engine's policy; per-call overrides go in `operation.policy`. */
  readonly policy: Policy;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends PortOneEventName>(event: E, listener: PortOneListener<E>): () => void;
  /** Unsubscribes a listener. */
  off<E extends PortOneEventName>(event: E, listener: PortOneListener<E>): void;
  /**
   * Runs one call to its end. Resolves with the `raw` of the final answer; rejects with a
   * `PortOneError` subclass, and with nothing else.
   */
  execute<R>(operation: Operation<R>): Promise<R>;
}

const ENGINE_BRAND = Symbol.for('portone-retry.engine');
const ENGINE_KEYS = new Set(['policy', 'random', 'now', 'budget', 'breaker', 'store']);

/** True for a value made by `createEngine` (across package copies). */
export function isEngine(value: unknown): value is Engine {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[ENGINE_BRAND] === true
  );
}

function validateOptions(options: EngineOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('engine options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!ENGINE_KEYS.has(key)) throw new TypeError(`${key} is not an engine option`);
  }
  if (options.store !== undefined) assertResilienceStore(options.store, 'store');
  if (
    options.budget !== undefined &&
    options.budget !== false &&
    (typeof options.budget !== 'object' || options.budget === null)
  ) {
    throw new TypeError('budget must be budget options or false');
  }
  if (
    options.breaker !== undefined &&
    typeof options.breaker !== 'boolean' &&
    (typeof options.breaker !== 'object' || options.breaker === null)
  ) {
    throw new TypeError('breaker must be true, false or breaker options');
  }
  for (const key of ['random', 'now'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new TypeError(`${key} must be a function`);
    }
  }
}

function validateOperation<R>(operation: Operation<R>): void {
  if (typeof operation !== 'object' || operation === null) {
    throw new TypeError('operation must be an object');
  }
  if (typeof operation.send !== 'function')
    throw new TypeError('operation.send must be a function');
  if (operation.sendTo !== undefined && typeof operation.sendTo !== 'function') {
    throw new TypeError('operation.sendTo must be a function');
  }
  if (typeof operation.method !== 'string')
    throw new TypeError('operation.method must be a string');
  if (typeof operation.url !== 'string') throw new TypeError('operation.url must be a string');
  if (operation.kind !== 'create' && operation.kind !== 'read' && operation.kind !== 'mutate') {
    throw new TypeError('operation.kind must be create, read or mutate');
  }
}

/** How every call ends, whatever engine it runs in. */
const CALL_END: CallEnd = {
  succeed(call, raw) {
    call.dispose();
    call.emit('success', { attempts: call.attempts });
    return raw;
  },
  fail(call, thrown) {
    call.dispose();
    const error = settleError(call, thrown);
    if (error.outcome === 'surface' && error.customerMessage !== undefined) {
      call.emit('surface', { error, customerMessage: error.customerMessage });
    }
    call.emit('failure', { error });
    const { operation } = call;
    if (typeof operation.onFailure === 'function') {
      try {
        operation.onFailure(error);
      } catch {
        // An adapter's mark must never change the outcome of a payment call.
      }
    }
    return error;
  },
};

/** Turns whatever ended a call into the one PortOneError it rejects with. */
function settleError<R>(call: Call<R>, thrown: unknown): PortOneError {
  if (thrown instanceof Stop) return thrown.error;
  if (isPortOneError(thrown)) return thrown;
  const abort = thrown instanceof CallAbort ? thrown : call.abortReason;
  if (abort instanceof CallAbort) {
    if (abort.why === 'caller') {
      const aborted: Classification = {
        kind: 'transport',
        series: 'transport',
        transport: 'aborted',
        ambiguous: false,
      };
      return call.error(aborted, {
        cause: abort.reason,
        message: 'the call was aborted by its caller',
      });
    }
    if (abort.why === 'poll-deadline') {
      return call.error(pendingClassification(call.lastPending), {
        message: `payment ${call.orderRef ?? ''} still pending at the poll deadline; reconcile it later by its order ref`,
        phase: 'poll',
      });
    }
    const timedOut: Classification = {
      kind: 'transport',
      series: 'transport',
      transport: 'timeout',
      ambiguous: call.operation.kind !== 'read',
    };
    return call.error(timedOut, {
      phase: 'deadline',
      timeoutMs: call.policy.settings.deadlineMs,
      message: `the call passed its deadline of ${call.policy.settings.deadlineMs} ms`,
    });
  }
  const unreadable: Classification = { kind: 'error', series: 'unknown', ambiguous: true };
  return call.lastError ?? call.error(unreadable, { cause: thrown });
}

/**
 * An engine: the only part of the SDK with time and side effects. Adapters hand it operations;
 * it runs them on p-retry with backoff and jitter, honours Retry-After, per-attempt timeouts,
 * the overall deadline and the caller's AbortSignal, polls pending payments, reconciles
 * ambiguous creates by order ref, and emits typed events.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  validateOptions(options);
  const policy = isPolicy(options.policy) ? options.policy : createPolicy(options.policy);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const events = new PortOneEventEmitter();
  const store = options.store ?? createMemoryStore();
  const resilience = {
    ...(options.budget === false
      ? {}
      : { budget: createRetryBudget({ now, ...options.budget }, store) }),
    ...(options.breaker === undefined || options.breaker === false
      ? {}
      : {
          breaker: createCircuitBreaker(
            {
              now,
              onStateChange: (change: CircuitChange) => events.emit('circuit', change),
              ...(options.breaker === true ? {} : options.breaker),
            },
            store,
          ),
        }),
  };

  const scope: CallScope = { events, now, random, resilience, end: CALL_END, next: afterFirst };

  const engine: Engine = {
    events,
    policy,
    on(event, listener) {
      events.on(event, listener as never);
      return () => {
        events.off(event, listener as never);
      };
    },
    off(event, listener) {
      events.off(event, listener as never);
    },
    // Not async: the call's own promise is handed back as it is, not wrapped in an async frame
    // or followed by a `then` (every promise a call waits through is a hop of the microtask
    // queue); the call's end is settled inside it.
    execute<R>(operation: Operation<R>): Promise<R> {
      try {
        validateOperation(operation);
        const own = operation.policy;
        const callPolicy = own === undefined ? policy : isPolicy(own) ? own : policy.with(own);
        return runCall(operation, callPolicy, scope);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
  Object.defineProperty(engine, ENGINE_BRAND, { value: true });
  return engine;
}
