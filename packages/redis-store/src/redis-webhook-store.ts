// Type-only: erased from the build, so this file adds no runtime import of core's sources.
import type { Cluster, Redis } from 'ioredis';
import type { WebhookStatus, WebhookStore } from '../../core/src/webhooks/index.js';

/** Options of `createRedisWebhookStore`. */
export interface RedisWebhookStoreOptions {
  /** A connected ioredis client or cluster client; the store never closes it. */
  client: Redis | Cluster;
  /**
   * Prefix of every key, so several services (or environments) can share one Redis.
   * @default 'portone-retry:'
   */
  prefix?: string;
  /**
   * How long an order ref's applied status is remembered. PortOne's webhooks carry no timestamp,
   * so a replay is recognised only while its ref is remembered; long enough to outlast PortOne's
   * resends, short enough that Redis does not keep every order forever.
   * @default 2592000 (30 days)
   */
  ttlSeconds?: number;
}

/**
 * The webhook handler's `seen` store on Redis: every server that receives PortOne's webhooks
 * sees what the others applied, so a webhook resent to another server is a replay there too.
 * Two copies arriving at two servers in the same instant may both be applied: keep `onPayment`
 * idempotent, as for any at-least-once delivery.
 */
export function createRedisWebhookStore(options: RedisWebhookStoreOptions): WebhookStore {
  const { client, prefix = 'portone-retry:', ttlSeconds = 2_592_000 } = options;
  if (typeof client?.get !== 'function' || typeof client.set !== 'function') {
    throw new TypeError('createRedisWebhookStore: client must be a connected ioredis client');
  }
  if (typeof prefix !== 'string') {
    throw new TypeError('createRedisWebhookStore: prefix must be a string');
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new TypeError('createRedisWebhookStore: ttlSeconds must be a positive integer');
  }
  const keyOf = (ref: string) => `${prefix}webhook:${ref}`;
  return {
    async get(ref) {
      const status = await client.get(keyOf(ref));
      return status === null ? undefined : (status as WebhookStatus);
    },
    async set(ref, status) {
      await client.set(keyOf(ref), status, 'EX', ttlSeconds);
    },
  };
}
