import type { Engine, EventBase, PaymentStatus, PortOneEvents } from '@portone-retry/core';

/**
 * Fields the engine is gaining, read here as optional: this package compiles against an engine
 * without them and uses them as soon as they are emitted.
 */
export interface NextBaseFields {
  /** The catalogue id of the endpoint, e.g. `initiatePayment`. */
  readonly operation?: string;
}

/** How a call that succeeded learned its outcome. */
export type SettledBy = 'answer' | 'lookup' | 'poll' | 'webhook';

/**
 * A status lookup by order ref finished: to reconcile an ambiguous create, or as one check of a
 * pending payment being polled. Not yet in `PortOneEvents`; kept here until it is.
 */
export interface LookupEvent extends EventBase, NextBaseFields {
  readonly orderRef: string;
  readonly purpose: 'reconcile' | 'poll';
  /** How long the lookup took, in ms. */
  readonly durationMs: number;
  /** 0 when no answer came. */
  readonly httpStatus: number;
  readonly status?: Extract<PaymentStatus, 'Success' | 'Failed' | 'Pending' | 'Expired'>;
  /** Whether PortOne holds a payment for the order ref; absent when the lookup failed. */
  readonly found?: boolean;
}

type WithNext<T> = T & NextBaseFields;

/** The events this package listens to, with the fields the engine is gaining. */
export interface ObservedEvents {
  attempt: WithNext<PortOneEvents['attempt'][0]>;
  response: WithNext<PortOneEvents['response'][0]> & { readonly durationMs?: number };
  retry: WithNext<PortOneEvents['retry'][0]>;
  poll: WithNext<PortOneEvents['poll'][0]>;
  reconcile: WithNext<PortOneEvents['reconcile'][0]>;
  lookup: LookupEvent;
  success: WithNext<PortOneEvents['success'][0]> & { readonly settledBy?: SettledBy };
  failure: WithNext<PortOneEvents['failure'][0]>;
  surface: WithNext<PortOneEvents['surface'][0]>;
  budget: WithNext<PortOneEvents['budget'][0]>;
  circuit: PortOneEvents['circuit'][0];
}

/** What `instrument` needs of an engine: its public `on`, which returns the unsubscribe. */
export type Observable = Pick<Engine, 'on'>;

/**
 * Subscribes to any observed event, `lookup` included: the engine's emitter takes any name at
 * run time, and the cast goes once `lookup` is part of `PortOneEvents`.
 */
export function subscribe<E extends keyof ObservedEvents>(
  engine: Observable,
  event: E,
  listener: (payload: ObservedEvents[E]) => void,
): () => void {
  const on = engine.on as unknown as (
    name: string,
    listener: (payload: ObservedEvents[E]) => void,
  ) => () => void;
  return on.call(engine, event, listener);
}
