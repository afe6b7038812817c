import type { ChildProcess } from 'node:child_process';
import { createEngine } from '@portone-retry/core';
import { createPortOneFetch, type PortOneResponse } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSettlements } from '../src/index.js';
import { startRedis, stopRedis } from './support/redis-server.js';

// A webhook that reaches one server settles the call polling that payment on another.
let redis: { process: ChildProcess; port: number };
let sim: Simulator;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startRedis();
  sim = await startSimulator({ validate: false });
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await sim.close();
  await stopRedis(redis.process);
});

const connect = () => {
  const client = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: false });
  clients.push(client);
  return client;
};

describe('settlements across a fleet (Redis pub/sub)', () => {
  it('engine.settle on one server settles the call polling on another, before its next poll', async () => {
    const channelA = createRedisSettlements({ client: connect() });
    const channelB = createRedisSettlements({ client: connect() });
    // Polls far apart: only the settlement can end the call within the test.
    const policy = { pollIntervalMs: 60_000, pollMaxIntervalMs: 60_000 };
    const serverA = createEngine({ policy, settlements: channelA });
    const serverB = createEngine({ policy, settlements: channelB });
    await Promise.all([channelA.ready(), channelB.ready()]);

    sim.script('POST /api/initiatePayment', [{ pending: 5 }]);
    const portoneFetch = createPortOneFetch({ engine: serverA, baseUrl: sim.url });
    serverA.on('poll', () => setTimeout(() => serverB.settle('FLEET-1', 'Success'), 5));
    const res: PortOneResponse = await portoneFetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      body: JSON.stringify({ merchant_order_id: 'FLEET-1', amount: 1000, currency: 'KRW' }),
    });
    expect(res.portone).toMatchObject({ settledBy: 'webhook', status: 'Success' });
    expect(sim.requests('GET /api/transaction/*/status')).toBe(0);
    await Promise.all([channelA.close(), channelB.close()]);
  });

  it('ignores a message that is no settlement, and refuses a client that is none', async () => {
    const client = connect();
    const channel = createRedisSettlements({ client, prefix: 'other:' });
    const heard: string[] = [];
    channel.subscribe((ref) => heard.push(ref));
    await channel.ready();
    await client.publish('other:settlements', 'not json');
    await client.publish('other:settlements', JSON.stringify({ ref: 'X', status: 'Paid' }));
    await channel.publish('R-1', 'Failed');
    await expect.poll(() => heard).toEqual(['R-1']);
    await channel.close();
    expect(() => createRedisSettlements({ client: {} as never })).toThrow(/ioredis client/);
  });
});
