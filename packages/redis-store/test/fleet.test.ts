import type { ChildProcess } from 'node:child_process';
import {
  type CircuitBreaker,
  type CircuitChange,
  createCircuitBreaker,
  createRetryBudget,
  type StoreHealthEvent,
} from '@portone-retry/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/redis-store.js';
import { startRedis, stopRedis } from './support/redis-server.js';

/** Breakers here open at small thresholds: 5 failed calls in a row, or half of 20. */
const SMALL = { failureThreshold: 5, failureRatio: 0.5 } as const;

let available = true;
try {
  await stopRedis((await startRedis()).process);
} catch (error) {
  available = false;
  console.warn(`redis fleet tests skipped: redis-server could not be started (${String(error)})`);
}

const KEY = 'POST /api/initiatePayment @MOMOPAY';
const STORE_TIMEOUT_MS = 100;
/** Far beyond STORE_TIMEOUT_MS: a decision that takes this long is one that hung. */
const HUNG_MS = 3_000;

const servers: ChildProcess[] = [];
const clients: Redis[] = [];

async function redis() {
  const server = await startRedis();
  servers.push(server.process);
  return server;
}

/** A client with ioredis's defaults: retries a command for as long as it reconnects. */
function connect(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port });
  // Connection errors are expected here (the server is killed); the store reports them.
  client.on('error', () => {});
  clients.push(client);
  return client;
}

afterAll(async () => {
  // disconnect, not quit: the server may be dead or frozen. The commands still queued are
  // rejected now, after their decisions were made: the components must have caught them.
  for (const client of clients) client.disconnect();
  await Promise.all(servers.map(stopRedis));
});

/** `promise`'s value, or 'hung' when it takes HUNG_MS. */
async function bounded<T>(promise: Promise<T>): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), HUNG_MS);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 50 ms, at most `tries` times. */
async function eventually(check: () => Promise<boolean> | boolean, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function components(client: Redis, prefix: string) {
  const health: string[] = [];
  const onStoreHealth = (event: StoreHealthEvent) =>
    health.push(`${event.component} ${event.state}`);
  const store = createRedisStore({ client, prefix });
  const budget = createRetryBudget({ storeTimeoutMs: STORE_TIMEOUT_MS, onStoreHealth }, store);
  const breaker = createCircuitBreaker(
    { ...SMALL, storeTimeoutMs: STORE_TIMEOUT_MS, onStoreHealth, nodeId: 'a' },
    store,
  );
  return { budget, breaker, health };
}

describe.skipIf(!available)('a fleet on a real redis-server that fails mid-run', () => {
  it('keeps deciding within storeTimeoutMs when Redis is killed, and reports it back', async () => {
    const server = await redis();
    const client = connect(server.port);
    const { budget, breaker, health } = components(client, 'killed:');
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await breaker.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    await breaker.record(KEY, 'success');
    expect(health).toEqual([]);

    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));

    // Every decision still comes, from local state; ioredis is left retrying behind it.
    expect(await bounded(budget.tryAcquire('retry'))).toBe(true);
    expect(await bounded(breaker.acquire(KEY))).toEqual({ allowed: true, state: 'closed' });
    for (let i = 0; i < 5; i++)
      expect(await bounded(breaker.record(KEY, 'failure'))).toBe(undefined);
    // The node's own breaker opened on its own failures.
    expect(await bounded(breaker.acquire(KEY))).toMatchObject({ allowed: false, state: 'open' });
    expect(await bounded(budget.available())).toBe(9);
    expect(health.sort()).toEqual(['breaker fallback', 'budget fallback']);

    // Redis comes back on the same port: each component says so once, and uses it again.
    const again = await startRedis(server.port);
    servers.push(again.process);
    expect(
      await eventually(async () => {
        await budget.available();
        await breaker.state('GET /api/transaction/{merchantOrderRef}/status');
        return health.length === 4;
      }),
    ).toBe(true);
    expect(health.sort()).toEqual([
      'breaker fallback',
      'breaker recovered',
      'budget fallback',
      'budget recovered',
    ]);
    // Back on the shared bucket: another server's budget sees what this one spends.
    const other = createRetryBudget({}, createRedisStore({ client, prefix: 'killed:' }));
    const before = await other.available();
    expect(await budget.tryAcquire('retry')).toBe(true);
    expect(await other.available()).toBe(before - 1);
  }, 20_000);

  it('keeps deciding within storeTimeoutMs when Redis is frozen (SIGSTOP)', async () => {
    const server = await redis();
    const client = connect(server.port);
    const { budget, breaker, health } = components(client, 'frozen:');
    expect(await budget.tryAcquire('retry')).toBe(true);

    server.process.kill('SIGSTOP');
    expect(await bounded(budget.tryAcquire('retry'))).toBe(true);
    expect(await bounded(breaker.acquire(KEY))).toEqual({ allowed: true, state: 'closed' });
    expect(await bounded(breaker.record(KEY, 'success'))).toBe(undefined);
    expect(await bounded(budget.onSuccess('retry'))).toBe(undefined);
    expect(health.sort()).toEqual(['breaker fallback', 'budget fallback']);

    server.process.kill('SIGCONT');
    expect(
      await eventually(async () => {
        await budget.available();
        await breaker.state(KEY);
        return health.length === 4;
      }),
    ).toBe(true);
    expect(health.sort()).toEqual([
      'breaker fallback',
      'breaker recovered',
      'budget fallback',
      'budget recovered',
    ]);
  }, 20_000);

  it('bounds a decision by the call’s own signal, shorter than storeTimeoutMs', async () => {
    const server = await redis();
    const client = connect(server.port);
    const health: StoreHealthEvent[] = [];
    const budget = createRetryBudget(
      { storeTimeoutMs: 60_000, onStoreHealth: (event) => health.push(event) },
      createRedisStore({ client, prefix: 'signal:' }),
    );
    server.process.kill('SIGSTOP');
    const controller = new AbortController();
    const answer = budget.tryAcquire('retry', controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(await bounded(answer)).toBe(true);
    // The caller gave up, not the store: no fallback reported.
    expect(health).toEqual([]);
    server.process.kill('SIGCONT');
  }, 10_000);
});

describe.skipIf(!available)('three breakers (servers) on one real redis-server', () => {
  async function fleet(prefix: string, options: { openMs?: number } = {}) {
    const server = await redis();
    const changes: Record<string, string[]> = { a: [], b: [], c: [] };
    const nodes = ['a', 'b', 'c'].map((nodeId) =>
      createCircuitBreaker(
        {
          ...SMALL,
          nodeId,
          ...options,
          onStateChange: (change: CircuitChange) =>
            changes[nodeId]?.push(`${change.scope} ${change.to}`),
        },
        createRedisStore({ client: connect(server.port), prefix }),
      ),
    ) as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    return { nodes, changes };
  }
  const report = async (breaker: CircuitBreaker, outcome: 'success' | 'failure', n: number) => {
    for (let i = 0; i < n; i++) await breaker.record(KEY, outcome);
  };

  it('opens only the failing server’s own breaker when it alone sees PortOne failing', async () => {
    const {
      nodes: [a, b, c],
      changes,
    } = await fleet('alone:');
    await report(b, 'success', 3);
    await report(c, 'success', 3);
    // a cannot reach PortOne: one failure per call, twenty calls.
    for (let i = 0; i < 20; i++) {
      if ((await a.acquire(KEY)).allowed) await a.record(KEY, 'failure');
    }
    expect(changes).toEqual({ a: ['node open'], b: [], c: [] });
    expect(await a.acquire(KEY)).toMatchObject({ allowed: false, state: 'open' });
    for (let i = 0; i < 20; i++) {
      expect(await b.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
      await b.record(KEY, 'success');
      expect(await c.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
      await c.record(KEY, 'success');
    }
  });

  it('opens the fleet’s breaker when a quorum (two of three) sees PortOne failing', async () => {
    const {
      nodes: [a, b, c],
      changes,
    } = await fleet('quorum:');
    await report(c, 'success', 1);
    await report(a, 'failure', 5);
    expect(await c.acquire(KEY)).toEqual({ allowed: true, state: 'closed' });
    await report(b, 'failure', 5);
    expect(changes).toEqual({ a: ['node open'], b: ['fleet open'], c: [] });
    expect(await c.acquire(KEY)).toMatchObject({ allowed: false, state: 'open' });
  });

  it('times the cool-down on Redis’s clock: a server 10 minutes ahead locks no one out longer', async () => {
    const server = await redis();
    const prefix = 'skew:';
    const openMs = 300;
    const ahead = createCircuitBreaker(
      { ...SMALL, nodeId: 'ahead', openMs, now: () => Date.now() + 10 * 60_000 },
      createRedisStore({ client: connect(server.port), prefix }),
    );
    const onTime = createCircuitBreaker(
      { ...SMALL, nodeId: 'on-time', openMs },
      createRedisStore({ client: connect(server.port), prefix }),
    );
    // Only the fast server sent calls: it is the quorum on its own, and opens the fleet.
    await report(ahead, 'failure', 5);
    const refused = await onTime.acquire(KEY);
    expect(refused).toMatchObject({ allowed: false, state: 'open' });
    expect(refused.retryAfterMs).toBeLessThanOrEqual(openMs);
    // Its own clock does not let the fast server skip the cool-down either.
    expect(await ahead.acquire(KEY)).toMatchObject({ allowed: false, state: 'open' });

    await sleep(openMs + 50);
    expect(await onTime.acquire(KEY)).toEqual({ allowed: true, state: 'half-open' });
    await onTime.record(KEY, 'success');
    expect(await onTime.state(KEY)).toBe('closed');
  });
});
