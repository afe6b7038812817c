import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import {
  createCircuitBreaker,
  createEngine,
  createRetryBudget,
  PortOneCircuitOpenError,
} from '@portone-retry/core';
import { createRedisStore } from '@portone-retry/redis-store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const available = spawnSync('redis-server', ['--version']).status === 0;
if (!available)
  console.warn('redis-store tests skipped: redis-server cannot be started on this machine');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!available)('redis store against a real redis-server on 127.0.0.1', () => {
  let server: ChildProcess;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    // Wait until redis-server accepts connections (bounded: 5 s).
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Two connections, as two servers of a fleet would have.
    a = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 2 });
    b = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 2 });
  }, 15_000);

  afterAll(async () => {
    await a?.quit();
    await b?.quit();
    server?.kill();
  });

  beforeEach(async () => {
    await a.flushall();
  });

  it('drains and refills one budget shared through Redis', async () => {
    const one = createRetryBudget({ capacity: 10 }, createRedisStore({ client: a }));
    const two = createRetryBudget({ capacity: 10 }, createRedisStore({ client: b }));
    expect(await one.tryAcquire('retry')).toBe(true);
    expect(await two.tryAcquire('retry')).toBe(true);
    expect(await one.tryAcquire('retry')).toBe(false);
    expect(await two.available()).toBe(0);
    await one.onSuccess(5);
    expect(await two.available()).toBe(5);
    await two.onSuccess(50);
    expect(await one.available()).toBe(10);
  });

  it('takes the last tokens once, however many servers race for them', async () => {
    const budgets = Array.from({ length: 20 }, (_, i) =>
      createRetryBudget({ capacity: 25 }, createRedisStore({ client: i % 2 ? a : b })),
    );
    const won = await Promise.all(budgets.map((budget) => budget.tryAcquire('retry')));
    expect(won.filter(Boolean)).toHaveLength(5);
  });

  it('two engines sharing the store see each other’s breaker open', async () => {
    const send = (code: number) => async () => ({
      httpStatus: code >= 5000 ? 500 : 200,
      headers: {},
      body: { status_code: String(code) },
      raw: code,
    });
    const engineA = createEngine({
      store: createRedisStore({ client: a }),
      breaker: { threshold: 3 },
      budget: false,
      policy: { retries: 0 },
    });
    const engineB = createEngine({
      store: createRedisStore({ client: b }),
      breaker: { threshold: 3 },
      budget: false,
      policy: { retries: 0 },
    });
    const opened: string[] = [];
    engineA.on('circuit', (e) => opened.push(`${e.key} ${e.to}`));
    const op = (code: number) => ({
      method: 'GET',
      url: 'https://api.portone.cloud/api/transaction/R-1/status',
      kind: 'read' as const,
      send: send(code),
    });
    for (let i = 0; i < 3; i++) await engineA.execute(op(5024)).catch(() => undefined);
    expect(opened).toEqual(['GET /api/transaction/:ref/status open']);
    const error = await engineB.execute(op(2000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortOneCircuitOpenError);
  });

  it('lets exactly one probe through across the fleet after the cool-down', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const one = createCircuitBreaker(
      { threshold: 1, cooldownMs: 1000 },
      createRedisStore({ client: a }),
      () => {},
      clock,
    );
    const two = createCircuitBreaker(
      { threshold: 1, cooldownMs: 1000 },
      createRedisStore({ client: b }),
      () => {},
      clock,
    );
    await one.record('k', 'failure');
    expect((await two.acquire('k')).allowed).toBe(false);
    now += 1000;
    const verdicts = await Promise.all([one.acquire('k'), two.acquire('k')]);
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(1);
  });

  it('expires every key it writes', async () => {
    const store = createRedisStore({ client: a, prefix: 'test:' });
    await store.takeTokens('budget', 1, 10);
    await store.recordFailure('b', 60_000);
    await store.open('b', Date.now() + 1000, 1, 60_000);
    for (const key of await a.keys('test:*')) expect(await a.pttl(key)).toBeGreaterThan(0);
  });

  it('rejects bad options with a TypeError naming them', () => {
    expect(() => createRedisStore({ client: {} as never })).toThrow(
      'client must be an ioredis client',
    );
    expect(() => createRedisStore({ client: a, prefix: 5 as never })).toThrow(
      'prefix must be a string',
    );
  });
});
