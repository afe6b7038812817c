import type { ResilienceStore } from '@portone-retry/core';
import type { Redis } from 'ioredis';

/** Options of `createRedisStore`. */
export interface RedisStoreOptions {
  /** A connected ioredis client (or cluster client); the store never closes it. */
  client: Redis;
  /**
   * Prefix of every key, so several services can share one Redis.
   * @default 'portone-retry:'
   */
  prefix?: string;
}

// Each script is one atomic step: no two servers of a fleet can both take the last tokens or
// both claim the half-open probe.
const TAKE = `
local tokens = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
local cost = tonumber(ARGV[1])
if tokens < cost then return 0 end
redis.call('SET', KEYS[1], tokens - cost, 'PX', ARGV[3])
return 1`;

const REFUND = `
local tokens = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
local next = math.min(tonumber(ARGV[2]), tokens + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], next, 'PX', ARGV[3])
return next`;

/** Buckets idle this long are forgotten (they would be full again by then anyway). */
const BUCKET_TTL_MS = 3_600_000;

/**
 * A `ResilienceStore` in Redis: a fleet of checkout servers shares one retry budget and one
 * circuit-breaker state per endpoint. Every key expires, so nothing grows without bound.
 */
export function createRedisStore(options: RedisStoreOptions): ResilienceStore {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const { client, prefix = 'portone-retry:' } = options;
  if (client === undefined || typeof (client as { eval?: unknown }).eval !== 'function') {
    throw new TypeError('client must be an ioredis client');
  }
  if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
  const k = (key: string, part: string) => `${prefix}${key}:${part}`;

  return {
    async takeTokens(key, cost, capacity) {
      return (await client.eval(TAKE, 1, k(key, 'tokens'), cost, capacity, BUCKET_TTL_MS)) === 1;
    },
    async refundTokens(key, amount, capacity) {
      await client.eval(REFUND, 1, k(key, 'tokens'), amount, capacity, BUCKET_TTL_MS);
    },
    async availableTokens(key, capacity) {
      const value = await client.get(k(key, 'tokens'));
      return value === null ? capacity : Number(value);
    },
    async recordFailure(key, ttlMs) {
      const [[, count]] = (await client
        .multi()
        .incr(k(key, 'failures'))
        .pexpire(k(key, 'failures'), ttlMs)
        .exec()) as [[Error | null, number], [Error | null, number]];
      return Number(count);
    },
    async reset(key) {
      await client.del(k(key, 'failures'), k(key, 'open'), k(key, 'probe'));
    },
    async open(key, until, opens, ttlMs) {
      await client
        .multi()
        .set(k(key, 'open'), `${until}:${opens}`, 'PX', ttlMs)
        .del(k(key, 'probe'))
        .exec();
    },
    async openState(key) {
      const value = await client.get(k(key, 'open'));
      if (value === null) return undefined;
      const [until, opens] = value.split(':').map(Number);
      return { until: until ?? 0, opens: opens ?? 1 };
    },
    async claimProbe(key, ttlMs) {
      return (await client.set(k(key, 'probe'), '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
  };
}
