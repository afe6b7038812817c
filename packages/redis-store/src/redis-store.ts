// Type-only: erased from the build, so this file adds no runtime import of core's sources.

import type { Cluster, Redis } from 'ioredis';
import type {
  CircuitRecord,
  CircuitState,
  OutcomeCounts,
  ResilienceStore,
} from '../../core/src/resilience/index.js';

/** Options of `createRedisStore`. */
export interface RedisStoreOptions {
  /** A connected ioredis client or cluster client; the store never closes it. */
  client: Redis | Cluster;
  /**
   * Prefix of every key, so several services (or environments) can share one Redis.
   * @default 'portone-retry:'
   */
  prefix?: string;
}

// Every script reads and writes exactly one key, so it runs atomically on a single Redis and
// on a Redis Cluster alike. Numbers travel as strings: '%.17g' keeps fractions of a token and
// epoch milliseconds exact, where a Lua number returned as a reply would be truncated.
const BUCKET = `
local function level(key, capacity, refill, now)
  local stored = redis.call('HMGET', key, 'n', 't')
  if not stored[1] then return capacity, now end
  local at = tonumber(stored[2])
  local elapsed = math.max(0, now - at)
  local value = math.min(capacity, tonumber(stored[1]) + elapsed * refill / 1000)
  return value, math.max(now, at)
end
local function save(key, value, at, ttl)
  redis.call('HSET', key, 'n', string.format('%.17g', value), 't', string.format('%.17g', at))
  redis.call('PEXPIRE', key, ttl)
end
local capacity, refill, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local value, at = level(KEYS[1], capacity, refill, now)
`;

const TAKE = `${BUCKET}
local cost = tonumber(ARGV[1])
if value < cost then return 0 end
save(KEYS[1], value - cost, at, ARGV[5])
return 1`;

const REFUND = `${BUCKET}
save(KEYS[1], math.min(capacity, value + tonumber(ARGV[1])), at, ARGV[5])
return 1`;

const TOKENS = `${BUCKET}
return string.format('%.17g', value)`;

// Calls are counted per slot of the window ('t<slot>' calls, 'f<slot>' failures) next to the
// failures in a row ('c'); slots that slid out of the window are deleted as they are met.
const RECORD_OUTCOME = `
local key, failed = KEYS[1], ARGV[1] == '1'
local now, windowMs, slotMs = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local slot = math.floor(now / slotMs)
local oldest = slot - math.ceil(windowMs / slotMs) + 1
redis.call('HINCRBY', key, 't' .. slot, 1)
local consecutive = 0
if failed then
  redis.call('HINCRBY', key, 'f' .. slot, 1)
  consecutive = redis.call('HINCRBY', key, 'c', 1)
else
  redis.call('HSET', key, 'c', 0)
end
local fields = redis.call('HGETALL', key)
local total, failures = 0, 0
for i = 1, #fields, 2 do
  local kind = string.sub(fields[i], 1, 1)
  if kind == 't' or kind == 'f' then
    if tonumber(string.sub(fields[i], 2)) < oldest then
      redis.call('HDEL', key, fields[i])
    elseif kind == 't' then
      total = total + tonumber(fields[i + 1])
    else
      failures = failures + tonumber(fields[i + 1])
    end
  end
end
redis.call('PEXPIRE', key, windowMs + slotMs)
return {consecutive, failures, total}`;

const WRITE_CIRCUIT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 's', ARGV[2], 'u', ARGV[3], 'o', ARGV[4], 'v', current + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return current + 1`;

/** The scripts as ioredis commands (`defineCommand` loads each once, then runs it by SHA). */
interface ScriptCommands {
  portoneRetryTakeV1(key: string, ...args: string[]): Promise<number>;
  portoneRetryRefundV1(key: string, ...args: string[]): Promise<number>;
  portoneRetryTokensV1(key: string, ...args: string[]): Promise<string>;
  portoneRetryRecordOutcomeV1(key: string, ...args: string[]): Promise<[number, number, number]>;
  portoneRetryWriteCircuitV1(key: string, ...args: string[]): Promise<number | null>;
}

const SCRIPTS: Record<keyof ScriptCommands, string> = {
  portoneRetryTakeV1: TAKE,
  portoneRetryRefundV1: REFUND,
  portoneRetryTokensV1: TOKENS,
  portoneRetryRecordOutcomeV1: RECORD_OUTCOME,
  portoneRetryWriteCircuitV1: WRITE_CIRCUIT,
};

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];
const num = (value: number) => String(value);
const ms = (value: number) => String(Math.max(1, Math.ceil(value)));

function validate(options: unknown): asserts options is RedisStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createRedisStore options must be an object with a client');
  }
  const { client, prefix } = options as Record<string, unknown>;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { defineCommand?: unknown }).defineCommand !== 'function'
  ) {
    throw new TypeError('client must be an ioredis client (new Redis(…) or new Cluster(…))');
  }
  if (prefix !== undefined && typeof prefix !== 'string') {
    throw new TypeError('prefix must be a string');
  }
}

/**
 * A ResilienceStore in Redis, for a fleet of checkout servers: every server sees one retry
 * budget and one breaker state per endpoint. Each operation is one Lua script (or one command)
 * on one key, so it is atomic with no lock, and every key expires, so nothing grows for ever.
 */
export function createRedisStore(options: RedisStoreOptions): ResilienceStore {
  validate(options);
  const { client } = options;
  const prefix = options.prefix ?? 'portone-retry:';
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { numberOfKeys: 1, lua });
  }
  const scripts = client as unknown as ScriptCommands;
  const k = (key: string) => `${prefix}${key}`;

  return {
    async take(key, cost, bucket, now) {
      const args = [num(cost), num(bucket.capacity), num(bucket.refillPerSecond), num(now)];
      return (await scripts.portoneRetryTakeV1(k(key), ...args, ms(bucket.idleTtlMs))) === 1;
    },

    async refund(key, amount, bucket, now) {
      const args = [num(amount), num(bucket.capacity), num(bucket.refillPerSecond), num(now)];
      await scripts.portoneRetryRefundV1(k(key), ...args, ms(bucket.idleTtlMs));
    },

    async tokens(key, bucket, now) {
      const args = ['0', num(bucket.capacity), num(bucket.refillPerSecond), num(now)];
      return Number(await scripts.portoneRetryTokensV1(k(key), ...args));
    },

    async recordOutcome(key, failed, window, now): Promise<OutcomeCounts> {
      const [consecutiveFailures, failures, total] = await scripts.portoneRetryRecordOutcomeV1(
        k(key),
        failed ? '1' : '0',
        num(now),
        ms(window.windowMs),
        ms(window.slotMs),
      );
      return { consecutiveFailures, failures, total };
    },

    async clearOutcomes(key) {
      await client.del(k(key));
    },

    async readCircuit(key) {
      const [state, until, opens, version] = await client.hmget(k(key), 's', 'u', 'o', 'v');
      if (!STATES.includes(state as CircuitState)) return undefined;
      return {
        state: state as CircuitState,
        until: Number(until),
        opens: Number(opens),
        version: Number(version),
      };
    },

    async writeCircuit(key, expectedVersion, next, ttlMs) {
      const version = await scripts.portoneRetryWriteCircuitV1(
        k(key),
        num(expectedVersion),
        next.state,
        num(next.until),
        num(next.opens),
        ms(ttlMs),
      );
      if (version === null) return undefined;
      const record: CircuitRecord = { ...next, version: Number(version) };
      return record;
    },
  };
}
