import type { PaymentStatus, SettlementChannel } from '@portone-retry/core';
import type { Redis } from 'ioredis';

/** Options of `createRedisSettlements`. */
export interface RedisSettlementsOptions {
  /** A connected ioredis client; a duplicate of it does the subscribing. */
  client: Redis;
  /**
   * The channel's name prefix.
   * @default 'portone-retry:'
   */
  prefix?: string;
}

const STATUSES = new Set<unknown>(['Success', 'Failed', 'Pending', 'Expired']);

/**
 * Webhook settlements across a fleet over Redis pub/sub: `createEngine({ settlements })` on every
 * server, and a webhook that reaches one settles the call following that payment on another.
 * Pub/sub delivers at most once: a server that misses a message still settles the payment by its
 * next poll. `close()` ends the subscriber connection.
 */
export function createRedisSettlements(
  options: RedisSettlementsOptions,
): SettlementChannel & { ready(): Promise<void>; close(): Promise<void> } {
  const { client, prefix = 'portone-retry:' } = options;
  if (typeof client?.publish !== 'function' || typeof client.duplicate !== 'function') {
    throw new TypeError('client must be an ioredis client');
  }
  const channel = `${prefix}settlements`;
  const subscriber = client.duplicate();
  const listeners = new Set<(ref: string, status: PaymentStatus) => void>();
  let subscribed: Promise<unknown> | undefined;

  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let parsed: { ref?: unknown; status?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.ref !== 'string' || !STATUSES.has(parsed.status)) return;
    for (const listener of listeners) listener(parsed.ref, parsed.status as PaymentStatus);
  });

  return {
    async publish(ref, status) {
      await client.publish(channel, JSON.stringify({ ref, status }));
    },
    subscribe(listener) {
      listeners.add(listener);
      subscribed ??= subscriber.subscribe(channel).catch(() => undefined);
      return () => {
        listeners.delete(listener);
      };
    },
    /** Resolves once the subscription is in place (for tests and start-up). */
    async ready() {
      await subscribed;
    },
    async close() {
      listeners.clear();
      subscriber.disconnect();
    },
  };
}
