// Type-only: erased from the build, so this file adds no runtime import of core's sources.
import type { Cluster, Redis } from 'ioredis';
import type { WebhookStatus, WebhookStore } from '../../core/src/webhooks/index.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

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
 * While one server applies a webhook, it holds the order ref (`SET NX PX`, released by its own
 * token): a copy arriving at another server in the same instant is answered 409 and comes back
 * later as the replay it is. A server that dies mid-way holds the ref until the lease runs out,
 * and may have run `onPayment` without recording it: keep `onPayment` idempotent.
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
  const claimOf = (ref: string) => `${prefix}webhook-claim:${ref}`;
  return {
    async claim(ref, leaseMs) {
      const token = globalThis.crypto.randomUUID();
      const taken = await client.set(claimOf(ref), token, 'PX', leaseMs, 'NX');
      return taken === 'OK' ? token : undefined;
    },
    async release(ref, token) {
      // Deleted only while it is still this token's: a lease that ran out may be another's now.
      await client.eval(RELEASE, 1, claimOf(ref), token);
    },
    async get(ref) {
      const status = await client.get(keyOf(ref));
      return status === null ? undefined : (status as WebhookStatus);
    },
    async set(ref, status) {
      await client.set(keyOf(ref), status, 'EX', ttlSeconds);
    },
  };
}
