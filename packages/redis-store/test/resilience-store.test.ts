import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { type CircuitChange, createCircuitBreaker, createRetryBudget } from '@portone-retry/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../core/test/support/store-contract.js';
import { createRedisStore } from '../src/redis-store.js';

/** Breakers here open at small thresholds: 5 failed calls in a row, or half of 20. */
const SMALL = { failureThreshold: 5, failureRatio: 0.5 } as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throw-away redis-server on 127.0.0.1: no snapshot, no append-only file. */
async function startRedis(): Promise<{ process: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server not ready after 5 s')), 5_000);
    const done = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    child.once('error', done);
    child.once('exit', (code) => done(new Error(`redis-server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) done();
    });
  });
  return { process: child, port };
}

let redis: { process: ChildProcess; port: number } | undefined;
let unavailable = '';
try {
  redis = await startRedis();
} catch (error) {
  unavailable = error instanceof Error ? error.message : String(error);
  console.warn(
    `redis resilience store tests skipped: redis-server could not be started (${unavailable})`,
  );
}

const clients: Redis[] = [];
/** A new connection, as each server of a fleet has its own. */
function connect(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: redis?.port ?? 0, maxRetriesPerRequest: 1 });
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  redis?.process.kill();
});

// On a developer's machine a missing redis-server skips, visibly; in CI it fails.
const inCI = !['', '0', 'false'].includes(process.env.CI ?? '');
it.runIf(inCI)('redis-server starts (CI must run the Redis tests, not skip them)', () => {
  expect(unavailable, 'install redis-server (.ci/run does)').toBe('');
});

const suite = redis === undefined ? describe.skip : describe;
const title =
  redis === undefined
    ? `redis resilience store (skipped: redis-server could not be started: ${unavailable})`
    : 'redis resilience store on a real redis-server';

suite(title, () => {
  const T0 = Date.UTC(2026, 10, 24, 12);
  let n = 0;
  const uniquePrefix = () => `test-${process.pid}-${n++}:`;

  if (redis !== undefined) {
    const shared = createRedisStore({ client: connect(), prefix: uniquePrefix() });
    describeStoreContract('redis store', () => shared, 'store');
  }

  it('drains one budget shared by two servers, and refills it on success', async () => {
    const prefix = uniquePrefix();
    const a = createRetryBudget({}, createRedisStore({ client: connect(), prefix }));
    const b = createRetryBudget({}, createRedisStore({ client: connect(), prefix }));
    let granted = 0;
    for (let i = 0; i < 8; i++) {
      if (await a.tryAcquire('retry')) granted += 1;
      if (await b.tryAcquire('retry')) granted += 1;
    }
    expect(granted).toBe(10);
    expect(await a.available()).toBe(0);
    expect(await b.tryAcquire('retry')).toBe(false);

    await a.onSuccess('retry');
    expect(await b.available()).toBe(1);
    expect(await b.tryAcquire('retry')).toBe(true);
    expect(await a.tryAcquire('retry')).toBe(false);
  });

  it('refills a budget on Redis’s clock: a server ten minutes ahead mints no tokens', async () => {
    const prefix = uniquePrefix();
    const options = { capacity: 20, retryCost: 5, timeoutCost: 10, refillPerSecond: 2.5 };
    const onTime = createRetryBudget(options, createRedisStore({ client: connect(), prefix }));
    const ahead = createRetryBudget(
      { ...options, now: () => Date.now() + 10 * 60_000 },
      createRedisStore({ client: connect(), prefix }),
    );
    expect(await onTime.tryAcquire('timeout')).toBe(true);
    expect(await onTime.tryAcquire('timeout')).toBe(true);
    // By its own clock, 600 s of refill (capped at 20) would be due; by Redis's, a few ms.
    expect(await ahead.available()).toBeLessThan(1);
    expect(await ahead.tryAcquire('retry')).toBe(false);
  });

  it('slides the outcome window on Redis’s clock: failures older than it stop counting', async () => {
    const store = createRedisStore({ client: connect(), prefix: uniquePrefix() });
    const window = { windowMs: 300, slotMs: 100 };
    const rule = { failureThreshold: 5, failureRatio: 0.5, minimumCalls: 20 };
    const key = 'POST /api/initiatePayment @MOMOPAY';
    // `now` is ignored: Redis's TIME decides which slot a call falls in.
    for (let i = 0; i < 3; i++) await store.recordOutcome(key, 'a', true, window, rule, 0);
    expect(await store.recordOutcome(key, 'a', false, window, rule, 0)).toMatchObject({
      failures: 3,
      total: 4,
    });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await store.recordOutcome(key, 'a', false, window, rule, 0)).toEqual({
      consecutiveFailures: 0,
      failures: 0,
      total: 1,
      nodes: 1,
      failingNodes: 0,
    });
  });

  it('never overdraws a budget raced by many servers', async () => {
    const prefix = uniquePrefix();
    const budgets = Array.from({ length: 4 }, () =>
      createRetryBudget({}, createRedisStore({ client: connect(), prefix })),
    );
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => budgets[i % 4]!.tryAcquire('retry')),
    );
    expect(answers.filter(Boolean)).toHaveLength(10);
  });

  it('shows one server’s opening to another, and lets one probe through the fleet', async () => {
    const prefix = uniquePrefix();
    const key = 'POST /api/initiatePayment @MOMOPAY';
    const seen: Record<'a' | 'b', CircuitChange[]> = { a: [], b: [] };
    // Cool-downs on Redis's clock: a short one, waited for in real time.
    const [a, b] = (['a', 'b'] as const).map((name) =>
      createCircuitBreaker(
        {
          ...SMALL,
          nodeId: name,
          openMs: 200,
          onStateChange: (change) => seen[name].push(change),
        },
        createRedisStore({ client: connect(), prefix }),
      ),
    ) as [ReturnType<typeof createCircuitBreaker>, ReturnType<typeof createCircuitBreaker>];

    // Only a sent calls in the window: it is the quorum on its own.
    for (let i = 0; i < 5; i++) await a.record(key, 'failure');
    expect(seen.a).toEqual([{ key, from: 'closed', to: 'open', scope: 'fleet' }]);
    expect(await b.acquire(key)).toMatchObject({ allowed: false, state: 'open' });

    await new Promise((resolve) => setTimeout(resolve, 250));
    const permits = await Promise.all([
      ...Array.from({ length: 5 }, () => a.acquire(key)),
      ...Array.from({ length: 5 }, () => b.acquire(key)),
    ]);
    expect(permits.filter((p) => p.allowed)).toHaveLength(1);
    const prober = permits.findIndex((p) => p.allowed) < 5 ? a : b;
    await prober.record(key, 'success');
    expect(await a.acquire(key)).toEqual({ allowed: true, state: 'closed' });
    expect(await b.state(key)).toBe('closed');
  });

  it('puts an expiry on every key it writes', async () => {
    let t = T0;
    const prefix = uniquePrefix();
    const client = connect();
    const store = createRedisStore({ client, prefix });
    const budget = createRetryBudget({ now: () => t }, store);
    const breaker = createCircuitBreaker({ ...SMALL, now: () => t }, store);
    await budget.tryAcquire('retry');
    for (let i = 0; i < 5; i++) await breaker.record('GET /api/transaction/status', 'failure');
    t += 30_000;
    await breaker.acquire('GET /api/transaction/status');

    const keys = await client.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [
        `${prefix}budget:default`,
        `${prefix}circuit:GET /api/transaction/status`,
        `${prefix}outcomes:GET /api/transaction/status`,
      ].sort(),
    );
    for (const key of keys) {
      const ttl = await client.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
    }
  });

  it('keeps stores with different prefixes apart', async () => {
    const client = connect();
    const one = createRetryBudget(
      { capacity: 10 },
      createRedisStore({ client, prefix: uniquePrefix() }),
    );
    const two = createRetryBudget(
      { capacity: 10 },
      createRedisStore({ client, prefix: uniquePrefix() }),
    );
    await one.tryAcquire('timeout');
    expect(await two.available()).toBe(10);
  });
});

describe('createRedisStore: bad input', () => {
  it('rejects a missing client or a prefix that is not a string with a TypeError', () => {
    expect(() => createRedisStore(undefined as never)).toThrow(TypeError);
    expect(() => createRedisStore({} as never)).toThrow(/client must be an ioredis client/);
    const client = { defineCommand: () => {} } as never;
    expect(() => createRedisStore({ client, prefix: 5 as never })).toThrow(
      /prefix must be a string/,
    );
  });
});
