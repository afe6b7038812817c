import { EventEmitter } from 'eventemitter3';
import type { PortOneError } from './errors/index.js';
import type { PaymentStatus } from './types.js';

/** Fields every event carries: enough for one subscription to give logs, metrics and traces. */
export interface EventBase {
  /** Unique per call; the same across its attempts, polls and reconciliation. */
  readonly operationId: string;
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

/** An answer arrived and was classified. */
export interface ResponseEvent extends EventBase {
  readonly httpStatus: number;
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
  /** `follow`: the existing payment is followed; `resend`: it did not exist, so the create is sent again; `fail`: it could not be looked up. */
  readonly action: 'follow' | 'resend' | 'fail';
  readonly status?: PaymentStatus;
}

/** The call succeeded. */
export interface SuccessEvent extends EventBase {
  readonly attempts: number;
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

/** A circuit breaker changed state. */
export interface CircuitEvent {
  readonly key: string;
  readonly from: 'closed' | 'open' | 'half-open';
  readonly to: 'closed' | 'open' | 'half-open';
}

/** Every event of an engine and its payload. */
export interface PortOneEvents {
  attempt: [AttemptEvent];
  response: [ResponseEvent];
  retry: [RetryEvent];
  poll: [PollEvent];
  reconcile: [ReconcileEvent];
  success: [SuccessEvent];
  failure: [FailureEvent];
  surface: [SurfaceEvent];
  budget: [BudgetEvent];
  circuit: [CircuitEvent];
}

/** The name of an event. */
export type PortOneEventName = keyof PortOneEvents;

/** Every event name, in the order a call emits them: to subscribe to all, for logs or tests. */
export const PORTONE_EVENT_NAMES: readonly PortOneEventName[] = Object.freeze([
  'attempt',
  'response',
  'retry',
  'poll',
  'reconcile',
  'success',
  'failure',
  'surface',
  'budget',
  'circuit',
]);

/** A listener of one event. */
export type PortOneListener<E extends PortOneEventName> = (...payload: PortOneEvents[E]) => void;

interface StoredListener {
  fn: (...args: unknown[]) => void;
  context: unknown;
  once: boolean;
}

/**
 * An eventemitter3 emitter whose `emit` isolates listeners: one that throws is skipped, and the
 * call it observes goes on. eventemitter3 itself stops at the first throwing listener.
 */
export class PortOneEventEmitter extends EventEmitter<PortOneEvents> {
  /**
   * Whether `event` has a listener. Asked before every payload is built: an engine nobody
   * listens to answers from one field, without a lookup by the event's name.
   */
  listening(event: PortOneEventName): boolean {
    const self = this as unknown as { _eventsCount: number; _events: Record<string, unknown> };
    return self._eventsCount !== 0 && self._events[event] !== undefined;
  }

  /**
   * Whether anything listens to a call that succeeds at its first attempt (`attempt`, `response`
   * or `success`). Such a call, unobserved, is run without a `Call` of its own.
   */
  observesSuccess(): boolean {
    return this.listening('attempt') || this.listening('response') || this.listening('success');
  }

  override emit<E extends PortOneEventName>(event: E, ...args: PortOneEvents[E]): boolean {
    const stored = (this as unknown as { _events: Record<string, unknown> })._events?.[event];
    if (stored === undefined) return false;
    const list = (Array.isArray(stored) ? [...stored] : [stored]) as StoredListener[];
    for (const listener of list) {
      if (listener.once) this.removeListener(event, listener.fn as never, undefined, true);
      try {
        listener.fn.apply(listener.context, args);
      } catch {
        // A listener's failure must never change the outcome of a payment call.
      }
    }
    return true;
  }
}
