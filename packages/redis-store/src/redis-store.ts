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
//
// Every time is Redis's own (TIME), never a server's: a fleet has one clock, so a server whose
// clock runs ahead can neither skip a cool-down nor lock the others out. (Scripts that call
// TIME and then write are replicated by their effects, the default since Redis 5.)
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

const BUCKET = `${NOW}
local function level(key, capacity, refill)
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
local capacity, refill = tonumber(ARGV[2]), tonumber(ARGV[3])
local value, at = level(KEYS[1], capacity, refill)
`;

const TAKE = `${BUCKET}
local cost = tonumber(ARGV[1])
if value < cost then return 0 end
save(KEYS[1], value - cost, at, ARGV[4])
return 1`;

const REFUND = `${BUCKET}
save(KEYS[1], math.min(capacity, value + tonumber(ARGV[1])), at, ARGV[4])
return 1`;

const TOKENS = `${BUCKET}
return string.format('%.17g', value)`;

// Calls are counted per node and per slot of the window ('t<slot>:<node>' calls,
// 'f<slot>:<node>' failures), next to each node's failures in a row ('c:<node>') and the slot
// of its last call ('l:<node>'). Slots that slid out of the window are deleted as they are
// met, and so is a node with no call in the window. The reply: this node's counts, the nodes
// with calls in the window, and how many of those meet the opening rule.
const RECORD_OUTCOME = `${NOW}
local key, node, failed = KEYS[1], ARGV[1], ARGV[2] == '1'
local windowMs, slotMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local threshold, ratio, minimum = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local slot = math.floor(now / slotMs)
local oldest = slot - math.ceil(windowMs / slotMs) + 1
-- A node with no call for a whole window starts over, failures in a row included.
if tonumber(redis.call('HGET', key, 'l:' .. node) or '-1') < oldest then
  redis.call('HDEL', key, 'c:' .. node)
end
redis.call('HINCRBY', key, 't' .. slot .. ':' .. node, 1)
if failed then
  redis.call('HINCRBY', key, 'f' .. slot .. ':' .. node, 1)
  redis.call('HINCRBY', key, 'c:' .. node, 1)
else
  redis.call('HSET', key, 'c:' .. node, 0)
end
redis.call('HSET', key, 'l:' .. node, slot)
local fields = redis.call('HGETALL', key)
local total, failures, consecutive, last = {}, {}, {}, {}
for i = 1, #fields, 2 do
  local field, count = fields[i], tonumber(fields[i + 1])
  local kind = string.sub(field, 1, 1)
  if kind == 't' or kind == 'f' then
    local colon = string.find(field, ':', 2, true)
    local at, id = tonumber(string.sub(field, 2, colon - 1)), string.sub(field, colon + 1)
    if at < oldest then
      redis.call('HDEL', key, field)
    elseif kind == 't' then
      total[id] = (total[id] or 0) + count
    else
      failures[id] = (failures[id] or 0) + count
    end
  elseif kind == 'c' then
    consecutive[string.sub(field, 3)] = count
  elseif kind == 'l' then
    last[string.sub(field, 3)] = count
  end
end
local nodes, failing = 0, 0
for id, at in pairs(last) do
  if at < oldest then
    redis.call('HDEL', key, 'c:' .. id, 'l:' .. id)
  elseif (total[id] or 0) > 0 then
    nodes = nodes + 1
    local calls, bad, row = total[id], failures[id] or 0, consecutive[id] or 0
    if row >= threshold or (calls >= minimum and bad / calls >= ratio) then
      failing = failing + 1
    end
  end
end
redis.call('PEXPIRE', key, windowMs + slotMs)
return {consecutive[node] or 0, failures[node] or 0, total[node] or 0, nodes, failing}`;

// A breaker record keeps its deadline ('u') on Redis's clock; callers only ever see the time
// left, so no server compares its own clock with it.
const READ_CIRCUIT = `${NOW}
local record = redis.call('HMGET', KEYS[1], 's', 'u', 'o', 'v')
if not record[1] then return false end
return {record[1], string.format('%.17g', tonumber(record[2]) - now), record[3], record[4]}`;

const WRITE_CIRCUIT = `${NOW}
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return false end
local untilMs = string.format('%.17g', now + tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 's', ARGV[2], 'u', untilMs, 'o', ARGV[4], 'v', current + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return current + 1`;

/** The scripts as ioredis commands (`defineCommand` loads each once, then runs it by SHA). */
interface ScriptCommands {
  portoneRetryTakeV2(key: string, ...args: string[]): Promise<number>;
  portoneRetryRefundV2(key: string, ...args: string[]): Promise<number>;
  portoneRetryTokensV2(key: string, ...args: string[]): Promise<string>;
  portoneRetryRecordOutcomeV2(
    key: string,
    ...args: string[]
  ): Promise<[number, number, number, number, number]>;
  portoneRetryReadCircuitV2(key: string): Promise<[string, string, string, string] | null>;
  portoneRetryWriteCircuitV2(key: string, ...args: string[]): Promise<number | null>;
}

const SCRIPTS: Record<keyof ScriptCommands, string> = {
  portoneRetryTakeV2: TAKE,
  portoneRetryRefundV2: REFUND,
  portoneRetryTokensV2: TOKENS,
  portoneRetryRecordOutcomeV2: RECORD_OUTCOME,
  portoneRetryReadCircuitV2: READ_CIRCUIT,
  portoneRetryWriteCircuitV2: WRITE_CIRCUIT,
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

  // The callers' `now` is not used: every time is Redis's own (see NOW above).
  return {
    async take(key, cost, bucket) {
      const args = [num(cost), num(bucket.capacity), num(bucket.refillPerSecond)];
      return (await scripts.portoneRetryTakeV2(k(key), ...args, ms(bucket.idleTtlMs))) === 1;
    },

    async refund(key, amount, bucket) {
      const args = [num(amount), num(bucket.capacity), num(bucket.refillPerSecond)];
      await scripts.portoneRetryRefundV2(k(key), ...args, ms(bucket.idleTtlMs));
    },

    async tokens(key, bucket) {
      const args = ['0', num(bucket.capacity), num(bucket.refillPerSecond)];
      return Number(await scripts.portoneRetryTokensV2(k(key), ...args));
    },

    async recordOutcome(key, node, failed, window, rule): Promise<OutcomeCounts> {
      const [consecutiveFailures, failures, total, nodes, failingNodes] =
        await scripts.portoneRetryRecordOutcomeV2(
          k(key),
          node,
          failed ? '1' : '0',
          ms(window.windowMs),
          ms(window.slotMs),
          num(rule.failureThreshold),
          num(rule.failureRatio),
          num(rule.minimumCalls),
        );
      return { consecutiveFailures, failures, total, nodes, failingNodes };
    },

    async clearOutcomes(key) {
      await client.del(k(key));
    },

    async readCircuit(key) {
      const record = await scripts.portoneRetryReadCircuitV2(k(key));
      if (record === null) return undefined;
      const [state, remainingMs, opens, version] = record;
      if (!STATES.includes(state as CircuitState)) return undefined;
      return {
        state: state as CircuitState,
        remainingMs: Number(remainingMs),
        opens: Number(opens),
        version: Number(version),
      };
    },

    async writeCircuit(key, expectedVersion, next, ttlMs) {
      const version = await scripts.portoneRetryWriteCircuitV2(
        k(key),
        num(expectedVersion),
        next.state,
        num(next.forMs),
        num(next.opens),
        ms(ttlMs),
      );
      if (version === null) return undefined;
      const record: CircuitRecord = {
        state: next.state,
        remainingMs: next.forMs,
        opens: next.opens,
        version: Number(version),
      };
      return record;
    },
  };
}
