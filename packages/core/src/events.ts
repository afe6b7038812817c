import { EventEmitter } from 'eventemitter3';
import type { PortOneError } from './errors/index.js';
import type { PaymentStatus } from './types.js';

/** Fields every event carries: enough for one subscription to give logs, metrics and traces. */
export interface EventBase {
  /** Unique per call; the same across its attempts, polls and reconciliation. */
  readonly operationId: string;
  /** The endpoint called: the catalogue's name (`initiatePayment`), else `endpoint`. */
  readonly operation: string;
  /** `METHOD /path/{template}`: a low-cardinality label, every ref in the path replaced by its name. */
  readonly endpoint: string;
  /** The attempt the event belongs to (1 for the first). */
  readonly attempt: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /** The merchant order ref of the request, when it has one. */
  readonly orderRef?: string;
}

/** An attempt is about to be sent. */
export type AttemptEvent = EventBase;

/** An answer arrived and was classified (`httpStatus` 0: no answer was read). */
export interface ResponseEvent extends EventBase {
  readonly httpStatus: number;
  /** How long the attempt took, in ms. */
  readonly durationMs: number;
  readonly code?: number;
  readonly status?: string;
  readonly kind: 'success' | 'pending' | 'error' | 'transport';
}

/** The engine will send again after `delayMs`. */
export interface RetryEvent extends EventBase {
  readonly delayMs: number;
  /** The failure being retried (redacted). */
  readonly error: PortOneError;
  readonly reason: string;
}

/** A pending payment's status will be checked again after `delayMs`. */
export interface PollEvent extends EventBase {
  readonly delayMs: number;
  readonly status?: PaymentStatus;
  /** Status checks made so far for this call. */
  readonly polls: number;
}

/** An ambiguous create was looked up by order ref, or could not be. */
export interface ReconcileEvent extends EventBase {
  /** The order ref looked up; absent when the request carried none (then `action` is `fail`). */
  readonly orderRef?: string;
  /** Whether PortOne holds a payment for the order ref. */
  readonly found: boolean;
  /**
   * `follow`: the existing payment is followed; `resend`: it did not exist, so the create is sent
   * again; `fail`: it could not be looked up; `close`: the reconciler closed a journal intent that
   * PortOne holds nothing for (nothing was charged or moved).
   */
  readonly action: 'follow' | 'resend' | 'fail' | 'close';
  /** `journal` when the reconciler settled an intent a call left open (its `operationId` is the intent's id). */
  readonly source?: 'call' | 'journal';
  readonly status?: PaymentStatus;
}

/** A status lookup came back: to settle an outcome-unknown create, or to poll a pending payment. */
export interface LookupEvent extends EventBase {
  readonly orderRef: string;
  readonly purpose: 'reconcile' | 'poll';
  /** How long the lookup took, in ms. */
  readonly durationMs: number;
  /** 0 when no answer was read. */
  readonly httpStatus: number;
  /** The payment's status, when the answer stated one. */
  readonly status?: PaymentStatus;
  /** Whether PortOne holds the payment; absent when the lookup brought no usable answer. */
  readonly found?: boolean;
}

/** The call succeeded. */
export interface SuccessEvent extends EventBase {
  readonly attempts: number;
  /** What settled it: PortOne's own answer, a lookup, a poll or a webhook. */
  readonly settledBy: 'answer' | 'lookup' | 'poll' | 'webhook';
  /** The payment's status, when the settling answer stated one. */
  readonly status?: PaymentStatus;
}

/** The call failed with `error`. */
export interface FailureEvent extends EventBase {
  readonly error: PortOneError;
}

/** A decline to show the customer. */
export interface SurfaceEvent extends EventBase {
  readonly error: PortOneError;
  readonly customerMessage: string;
}

/** The retry budget ran out: a retryable failure failed at once. */
export interface BudgetEvent extends EventBase {
  readonly available: number;
}

/** A circuit breaker changed state: this node's own, or the fleet's (shared through the store). */
export interface CircuitEvent {
  readonly key: string;
  readonly scope: 'node' | 'fleet';
  readonly from: 'closed' | 'open' | 'half-open';
  readonly to: 'closed' | 'open' | 'half-open';
}

/**
 * The shared store of the budget or the breaker stopped answering in time (`fallback`: decisions
 * are made locally) or answers again (`recovered`).
 */
export interface StoreEvent {
  readonly component: 'budget' | 'breaker';
  readonly state: 'fallback' | 'recovered';
  readonly error?: unknown;
}

/**
 * The journal could not be written (`not-durable`: the intent of this money move is not saved, so
 * a crash now would leave it for nobody to settle) or not closed (`not-closed`: the intent stays
 * open and the reconciler will settle it again, harmlessly). The call went on either way.
 */
export interface JournalEvent extends EventBase {
  readonly state: 'not-durable' | 'not-closed';
  readonly error: unknown;
}

/** A listener threw or rejected; the call it observed went on. */
export interface ListenerErrorEvent {
  /** The event whose listener failed. */
  readonly event: Exclude<PortOneEventName, 'error'>;
  readonly error: unknown;
}

/** Every event of an engine and its payload. */
export interface PortOneEvents {
  attempt: [AttemptEvent];
  response: [ResponseEvent];
  lookup: [LookupEvent];
  retry: [RetryEvent];
  poll: [PollEvent];
  reconcile: [ReconcileEvent];
  success: [SuccessEvent];
  failure: [FailureEvent];
  surface: [SurfaceEvent];
  budget: [BudgetEvent];
  circuit: [CircuitEvent];
  store: [StoreEvent];
  journal: [JournalEvent];
  error: [ListenerErrorEvent];
}

/** The name of an event. */
export type PortOneEventName = keyof PortOneEvents;

/** Every event name, in the order a call emits them: to subscribe to all, for logs or tests. */
export const PORTONE_EVENT_NAMES: readonly PortOneEventName[] = Object.freeze([
  'attempt',
  'response',
  'lookup',
  'retry',
  'poll',
  'reconcile',
  'success',
  'failure',
  'surface',
  'budget',
  'circuit',
  'store',
  'journal',
  'error',
]);

/** A listener of one event. */
export type PortOneListener<E extends PortOneEventName> = (...payload: PortOneEvents[E]) => unknown;

type AnyListener = (...args: unknown[]) => unknown;

/**
 * An eventemitter3 emitter whose listeners cannot break a call: each is guarded when it is
 * added, so one that throws, or returns a promise that rejects, is reported once (as an `error`
 * event, or on `console.error` when nobody listens to those) and the other listeners and the
 * call go on. (eventemitter3 itself stops at the first listener that throws.)
 */
export class PortOneEventEmitter extends EventEmitter<PortOneEvents> {
  /** The guard of each listener, per event, so `off` finds it from the listener itself. */
  readonly #guards = new Map<PortOneEventName, Map<AnyListener, AnyListener>>();

  override on<E extends PortOneEventName>(
    event: E,
    listener: PortOneListener<E>,
    context?: unknown,
  ): this {
    return super.on(event, this.#guard(event, listener as AnyListener) as never, context);
  }

  override addListener<E extends PortOneEventName>(
    event: E,
    listener: PortOneListener<E>,
    context?: unknown,
  ): this {
    return this.on(event, listener, context);
  }

  override once<E extends PortOneEventName>(
    event: E,
    listener: PortOneListener<E>,
    context?: unknown,
  ): this {
    return super.once(event, this.#guard(event, listener as AnyListener) as never, context);
  }

  override off<E extends PortOneEventName>(
    event: E,
    listener?: PortOneListener<E>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.removeListener(event, listener, context, once);
  }

  override removeListener<E extends PortOneEventName>(
    event: E,
    listener?: PortOneListener<E>,
    context?: unknown,
    once?: boolean,
  ): this {
    if (listener === undefined) {
      this.#guards.delete(event);
      return super.removeListener(event, undefined, context, once);
    }
    const guard = this.#guards.get(event)?.get(listener as AnyListener) ?? listener;
    return super.removeListener(event, guard as never, context, once);
  }

  override removeAllListeners(event?: PortOneEventName): this {
    if (event === undefined) this.#guards.clear();
    else this.#guards.delete(event);
    return super.removeAllListeners(event);
  }

  #guard(event: PortOneEventName, listener: AnyListener): AnyListener {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let guards = this.#guards.get(event);
    if (guards === undefined) {
      guards = new Map();
      this.#guards.set(event, guards);
    }
    const existing = guards.get(listener);
    if (existing !== undefined) return existing;
    const report = (error: unknown) => this.#report(event, error);
    const guard: AnyListener = function (this: unknown, ...args) {
      try {
        const result = listener.apply(this, args);
        if (
          result !== null &&
          typeof result === 'object' &&
          typeof (result as Promise<unknown>).then === 'function'
        ) {
          (result as Promise<unknown>).then(undefined, report);
        }
      } catch (error) {
        report(error);
      }
    };
    guards.set(listener, guard);
    return guard;
  }

  #report(event: PortOneEventName, error: unknown): void {
    if (event !== 'error' && this.listenerCount('error') > 0) {
      this.emit('error', { event, error });
      return;
    }
    console.error(`portone-retry: a listener of '${event}' failed; the call went on.`, error);
  }
}
