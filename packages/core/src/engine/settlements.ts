import type { PaymentStatus } from '../types.js';

/**
 * Carries webhook settlements between the engines of a fleet: a webhook that reaches one server
 * settles the call following that payment on another. `@portone-retry/redis-store`'s
 * `createRedisSettlements` is one over Redis pub/sub.
 */
export interface SettlementChannel {
  /** Tells the other engines how a payment ended. A failure is the channel's own business. */
  publish(merchantOrderRef: string, status: PaymentStatus): Promise<void> | void;
  /** Hears the settlements other engines publish; returns the function that stops it. */
  subscribe(listener: (merchantOrderRef: string, status: PaymentStatus) => void): () => void;
}

/** True for an object that can serve as a settlement channel. */
export function isSettlementChannel(value: unknown): value is SettlementChannel {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SettlementChannel).publish === 'function' &&
    typeof (value as SettlementChannel).subscribe === 'function'
  );
}
