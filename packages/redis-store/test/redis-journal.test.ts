import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { createEngine, type Intent } from '@portone-retry/core';
import { createRedisJournal } from '@portone-retry/redis-store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, stopRedis } from './support/redis-server.js';

const available = spawnSync('redis-server', ['--version']).status === 0;

const intent = (id: string, startedAt: number, extra: Partial<Intent> = {}): Intent => ({
  id,
  operation: 'initiatePayment',
  kind: 'create',
  orderRef: `order-${id}`,
  method: 'POST',
  url: 'https://api.portone.test/api/initiatePayment',
  bodyDigest: 'ab'.repeat(32),
  lookup: { method: 'GET', path: `/api/transaction/order-${id}/status` },
  startedAt,
  ...extra,
});

describe.skipIf(!available)('redis journal against a real redis-server', () => {
  let server: ChildProcess;
  let client: Redis;
  let other: Redis;

  beforeAll(async () => {
    const { process, port } = await startRedis();
    server = process;
    client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    other = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    await Promise.all([client.connect(), other.connect()]);
  });
  afterAll(async () => {
    client?.disconnect();
    other?.disconnect();
    await stopRedis(server);
  });

  it('one process writes, another lists and closes: oldest first, by age', async () => {
    const a = createRedisJournal({ client, prefix: 't1:' });
    const b = createRedisJournal({ client: other, prefix: 't1:' });
    await a.open(intent('2', 2_000));
    await a.open(intent('1', 1_000, { compare: { amount: 500 } }));
    expect(await b.list({ now: 3_000 })).toEqual([
      intent('1', 1_000, { compare: { amount: 500 } }),
      intent('2', 2_000),
    ]);
    expect((await b.list({ now: 3_000, olderThanMs: 1_500 })).map((i) => i.id)).toEqual(['1']);
    await b.close('1', { settledBy: 'reconcile', status: 'Success' });
    expect((await a.list({ now: 3_000 })).map((i) => i.id)).toEqual(['2']);
    expect(await client.exists('t1:{journal}:intent:1')).toBe(0);
  });

  it('writes the intent and its index together, with the TTL on the intent', async () => {
    const journal = createRedisJournal({ client, prefix: 't2:', ttlSeconds: 60 });
    await journal.open(intent('x', 1_000));
    const ttl = await client.ttl('t2:{journal}:intent:x');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await client.zscore('t2:{journal}:open', 'x')).toBe('1000');
  });

  it('an intent that expired unsettled leaves the index when listed', async () => {
    const journal = createRedisJournal({ client, prefix: 't3:' });
    await journal.open(intent('gone', 1_000));
    await journal.open(intent('kept', 1_000));
    await client.del('t3:{journal}:intent:gone');
    expect((await journal.list({ now: 2_000 })).map((i) => i.id)).toEqual(['kept']);
    expect(await client.zcard('t3:{journal}:open')).toBe(1);
  });

  it('an engine on the Redis journal lists its open intents with engine.unsettled()', async () => {
    const journal = createRedisJournal({ client, prefix: 't4:' });
    const engine = createEngine({ journal });
    await journal.open(intent('e', Date.now() - 10));
    expect((await engine.unsettled()).map((i) => i.id)).toEqual(['e']);
  });

  it('a Redis that is gone rejects (the engine turns that into a journal event)', async () => {
    const dead = new Redis({
      port: 1,
      host: '127.0.0.1',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const journal = createRedisJournal({ client: dead });
    await expect(journal.open(intent('d', 1))).rejects.toThrow();
    dead.disconnect();
  });

  it('refuses bad options with a TypeError naming them', () => {
    expect(() => createRedisJournal({ client, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => createRedisJournal({ client: {} as Redis })).toThrow(/client/);
  });
});
