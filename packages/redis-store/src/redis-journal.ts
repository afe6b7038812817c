// Type-only: erased from the build, so this file adds no runtime import of core's sources.

import type { Cluster, Redis } from 'ioredis';
import type {
  Intent,
  IntentOutcome,
  Journal,
  JournalListOptions,
} from '../../core/src/journal/index.js';

/**
 * 14 days. An intent must outlive every way a payment can stay unsettled: a pending payment
 * (bank transfers and virtual accounts stay pending for days before they pay or expire), an
 * ambiguous money move, and a reconciler that is itself down over a long weekend. An intent
 * that expires before it is settled is silently forgotten, so the default errs long: an open
 * intent costs under a kilobyte, and a settled one is deleted at once.
 */
export const DEFAULT_JOURNAL_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Options of `createRedisJournal`. */
export interface RedisJournalOptions {
  /** A connected ioredis client or cluster client; the journal never closes it. */
  client: Redis | Cluster;
  /**
   * Prefix of every key, so several services (or environments) can share one Redis.
   * @default 'portone-retry:'
   */
  prefix?: string;
  /**
   * How long an open intent is kept, in seconds, if nothing settles it (see
   * `DEFAULT_JOURNAL_TTL_SECONDS` for why 14 days).
   * @default 1209600
   */
  ttlSeconds?: number;
}

/**
 * A journal in Redis, shared by a fleet and outliving any of its processes: one hash per open
 * intent (`<prefix>{journal}:intent:<id>`, expiring after `ttlSeconds`) and a sorted set of open
 * ids by start time (`<prefix>{journal}:open`), written together in one MULTI. The hash tag
 * keeps both in one slot, so it works on a Redis Cluster too. Closing deletes both.
 */
export function createRedisJournal(options: RedisJournalOptions): Journal {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createRedisJournal: options must be an object');
  }
  const { client, prefix = 'portone-retry:', ttlSeconds = DEFAULT_JOURNAL_TTL_SECONDS } = options;
  if (typeof client !== 'object' || client === null || typeof client.multi !== 'function') {
    throw new TypeError('createRedisJournal: client must be an ioredis client');
  }
  if (typeof prefix !== 'string')
    throw new TypeError('createRedisJournal: prefix must be a string');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError('createRedisJournal: ttlSeconds must be a positive integer');
  }
  const openKey = `${prefix}{journal}:open`;
  const intentKey = (id: string) => `${prefix}{journal}:intent:${id}`;
  const ttlMs = ttlSeconds * 1000;

  const check = (results: [Error | null, unknown][] | null) => {
    const failed = results?.find(([error]) => error !== null);
    if (results === null) throw new Error('the journal transaction was discarded');
    if (failed !== undefined) throw failed[0];
  };

  return {
    async open(intent: Intent) {
      if (typeof intent?.id !== 'string' || intent.id === '') {
        throw new TypeError('journal.open: intent.id must be a non-empty string');
      }
      check(
        await client
          .multi()
          .set(intentKey(intent.id), JSON.stringify(intent), 'EX', ttlSeconds)
          .zadd(openKey, intent.startedAt, intent.id)
          // Ids whose intent expired unsettled leave the index too.
          .zremrangebyscore(openKey, '-inf', `(${intent.startedAt - ttlMs}`)
          .exec(),
      );
    },
    async close(id: string, _outcome: IntentOutcome) {
      check(await client.multi().del(intentKey(id)).zrem(openKey, id).exec());
    },
    async list({ olderThanMs = 0, now }: JournalListOptions) {
      const ids = await client.zrangebyscore(openKey, '-inf', now - olderThanMs);
      if (ids.length === 0) return [];
      const values = await client.mget(ids.map(intentKey));
      const intents: Intent[] = [];
      const gone: string[] = [];
      values.forEach((value, index) => {
        if (value === null) gone.push(ids[index] as string);
        else intents.push(JSON.parse(value) as Intent);
      });
      if (gone.length > 0) await client.zrem(openKey, ...gone);
      return intents;
    },
  };
}
