import { PortOneEventEmitter, type PortOneEventName, type PortOneListener } from '../events.js';
import { assertJournal, createMemoryJournal, type Intent, type Journal } from '../journal/index.js';
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
  type StoreHealthEvent,
} from '../resilience/index.js';
import type { PaymentStatus } from '../types.js';
import { Call, type EngineScope } from './call.js';
import { runCall } from './run-call.js';
import { isSettlementChannel, type SettlementChannel } from './settlements.js';
import type { Operation } from './types.js';

/** How many recent webhook settlements an engine remembers (oldest forgotten first). */
const RECENT_SETTLEMENTS = 1000;
const KINDS = new Set<unknown>(['read', 'create', 'money-move', 'config']);
const PAYMENT_STATUSES = new Set<unknown>(['Success', 'Failed', 'Pending', 'Expired']);

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
   * The retry budget, a token bucket shared by every call of the engine, sized for one server
   * as gRPC's retry throttling is (10 tokens, 1 per retry, 2 per retry after a timeout, 0.2
   * back per call that succeeds without retrying). With the bucket empty a retryable failure
   * fails at once and `budget` is emitted. `false` turns it off.
   * @default {}
   */
  budget?: RetryBudgetOptions | false;
  /**
   * A circuit breaker per endpoint and PSP channel: on by default, or options, or `false` to
   * turn it off. While open (20 failed calls in a row, or 90 % of 20 in 30 s, by default), calls
   * fail fast with `PortOneCircuitOpenError`, nothing sent; `circuit` is emitted on every change.
   * @default true
   */
  breaker?: CircuitBreakerOptions | boolean;
  /**
   * Where budget and breaker state live; share a Redis store (`@portone-retry/redis-store`) so
   * a fleet sees one budget and one breaker.
   * @default createMemoryStore()
   */
  store?: ResilienceStore;
  /**
   * Where money moves (creates, refunds, captures, payouts) are written down before they are
   * sent and closed when their outcome is known, so `engine.unsettled()` and `reconcile` can
   * settle what a call (or a killed process) left open. Share a Redis journal
   * (`createRedisJournal` in `@portone-retry/redis-store`) so it outlives the process.
   * A journal that cannot be written never fails a payment: the call goes on and `journal` is emitted.
   * @default createMemoryJournal()
   */
  journal?: Journal;
  /**
   * Carries webhook settlements across a fleet: `engine.settle` on one server settles the call
   * following that payment on another (`createRedisSettlements` in `@portone-retry/redis-store`).
   * @default none: settlements stay in this engine
   */
  settlements?: SettlementChannel;
}

/** Runs calls: classifies each answer, decides, waits, polls, looks up, and emits events. */
export interface Engine {
  /** The typed emitter (eventemitter3). A listener that throws or rejects never breaks a call. */
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
  /**
   * Tells the engine how a payment ended (from a verified webhook): a call of this engine that
   * is following that merchant order ref settles now, without waiting for its next poll.
   */
  settle(merchantOrderRef: string, status: PaymentStatus): void;
  /** Open intents of the engine's journal, oldest first: money moves whose outcome is not known yet. */
  unsettled(): Promise<Intent[]>;
}

const ENGINE_BRAND = Symbol.for('portone-retry.engine');
const ENGINE_KEYS = new Set([
  'policy',
  'random',
  'now',
  'budget',
  'breaker',
  'store',
  'settlements',
  'journal',
]);
/** Where an engine keeps what it shares with its calls, for `reconcile` (across package copies). */
export const ENGINE_SCOPE = Symbol.for('portone-retry.engine-scope');

/** What every call of `engine` shares (its journal, clock and events); undefined for a foreign value. */
export function scopeOf(engine: Engine): EngineScope | undefined {
  return (engine as unknown as Record<symbol, EngineScope | undefined>)[ENGINE_SCOPE];
}

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
  if (options.journal !== undefined) assertJournal(options.journal, 'journal');
  if (options.settlements !== undefined && !isSettlementChannel(options.settlements)) {
    throw new TypeError('settlements must have publish and subscribe functions');
  }
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

/**
 * A store that does not answer must leave the call time to decide locally and send: a store
 * time limit as long as the call's deadline would turn a frozen Redis into failed payments.
 */
function checkStoreTimeouts(options: EngineOptions, deadlineMs: number): void {
  for (const component of ['budget', 'breaker'] as const) {
    const given = options[component];
    const ms = typeof given === 'object' ? given.storeTimeoutMs : undefined;
    if (ms !== undefined && ms >= deadlineMs) {
      throw new TypeError(
        `${component}.storeTimeoutMs (${ms}) must be below policy.deadlineMs (${deadlineMs}): a store that does not answer would hold every call to its deadline`,
      );
    }
  }
}

function validateOperation<R>(operation: Operation<R>): void {
  if (typeof operation !== 'object' || operation === null) {
    throw new TypeError('operation must be an object');
  }
  if (typeof operation.send !== 'function')
    throw new TypeError('operation.send must be a function');
  if (typeof operation.method !== 'string')
    throw new TypeError('operation.method must be a string');
  if (typeof operation.url !== 'string') throw new TypeError('operation.url must be a string');
  if (!KINDS.has(operation.kind)) {
    throw new TypeError('operation.kind must be read, create, money-move or config');
  }
}

/**
 * An engine: the only part of the SDK with time and side effects. Adapters hand it operations;
 * it runs them in one loop with backoff and jitter, honours Retry-After, per-attempt timeouts,
 * the overall deadline and the caller's AbortSignal, polls pending payments, reconciles
 * ambiguous creates by order ref, and emits typed events.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  validateOptions(options);
  const policy = isPolicy(options.policy) ? options.policy : createPolicy(options.policy);
  checkStoreTimeouts(options, policy.settings.deadlineMs);
  const now = options.now ?? Date.now;
  const events = new PortOneEventEmitter();
  const store = options.store ?? createMemoryStore();
  const breakerOptions =
    options.breaker === undefined || options.breaker === true ? {} : options.breaker;
  const onStoreHealth = (event: StoreHealthEvent) => events.emit('store', event);
  const scope: EngineScope = {
    events,
    now,
    random: options.random ?? Math.random,
    budget:
      options.budget === false
        ? undefined
        : createRetryBudget({ now, onStoreHealth, ...options.budget }, store),
    breaker:
      breakerOptions === false
        ? undefined
        : createCircuitBreaker(
            {
              now,
              onStateChange: (change: CircuitChange) => events.emit('circuit', change),
              onStoreHealth,
              ...breakerOptions,
            },
            // A store of the user's is shared with others (a fleet on Redis): the breaker then
            // asks it too. The engine's own memory store has no one else to tell.
            options.store,
          ),
    journal: options.journal ?? createMemoryJournal(),
  };
  /** Calls in flight by merchant order ref, so a webhook can settle the ones following it. */
  const following = new Map<string, Set<Call<unknown>>>();
  /**
   * Final statuses webhooks delivered lately, so a call that starts following a payment just
   * after its webhook came (a create whose answer was slower than the webhook) settles at once.
   */
  const settled = new Map<string, PaymentStatus>();

  /** A webhook's word, in this engine: the calls following the payment settle now. */
  const settleHere = (merchantOrderRef: string, status: PaymentStatus): void => {
    for (const call of following.get(merchantOrderRef) ?? []) call.settle(status);
    if (status === 'Pending') return;
    settled.delete(merchantOrderRef);
    settled.set(merchantOrderRef, status);
    if (settled.size > RECENT_SETTLEMENTS) settled.delete(settled.keys().next().value as string);
  };
  options.settlements?.subscribe((ref, status) => {
    if (typeof ref === 'string' && PAYMENT_STATUSES.has(status)) settleHere(ref, status);
  });

  const run = async <R>(call: Call<R>): Promise<R> => {
    const ref = call.orderRef;
    if (ref === undefined) return runCall(call);
    const calls = following.get(ref) ?? new Set();
    following.set(ref, calls.add(call as Call<unknown>));
    const known = settled.get(ref);
    if (known !== undefined) call.settle(known);
    try {
      return await runCall(call);
    } finally {
      calls.delete(call as Call<unknown>);
      if (calls.size === 0) following.delete(ref);
    }
  };

  const engine: Engine = {
    events,
    policy,
    on(event, listener) {
      events.on(event, listener);
      return () => {
        events.off(event, listener);
      };
    },
    off(event, listener) {
      events.off(event, listener);
    },
    execute<R>(operation: Operation<R>): Promise<R> {
      try {
        validateOperation(operation);
        const own = operation.policy;
        const callPolicy = own === undefined ? policy : isPolicy(own) ? own : policy.with(own);
        return run(new Call(operation, callPolicy, scope));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    settle(merchantOrderRef, status) {
      if (typeof merchantOrderRef !== 'string' || merchantOrderRef === '') {
        throw new TypeError('settle: merchantOrderRef must be a non-empty string');
      }
      if (!PAYMENT_STATUSES.has(status)) {
        throw new TypeError(
          `settle: status must be Success, Failed, Pending or Expired, got ${JSON.stringify(status)}`,
        );
      }
      settleHere(merchantOrderRef, status);
      // The other servers learn it too; a channel that fails costs only the early settlement.
      Promise.resolve()
        .then(() => options.settlements?.publish(merchantOrderRef, status))
        .catch(() => {});
    },
    unsettled() {
      return scope.journal.list({ now: now() });
    },
  };
  Object.defineProperty(engine, ENGINE_BRAND, { value: true });
  Object.defineProperty(engine, ENGINE_SCOPE, { value: scope });
  return engine;
}
