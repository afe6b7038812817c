import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createEngine, PortOneCircuitOpenError } from '@portone-retry/core';
import { createRedisStore } from '@portone-retry/redis-store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const available = spawnSync('redis-server', ['--version']).status === 0;
if (!available)
  console.warn('redis-store tests skipped: redis-server cannot be started on this machine');

// On a developer's machine a missing redis-server skips, visibly; in CI it fails, so a green run
// there always includes the Redis tests.
const inCI = !['', '0', 'false'].includes(process.env.CI ?? '');
it.runIf(inCI)('redis-server is on PATH (CI must run the Redis tests, not skip them)', () => {
  expect(available, 'redis-server --version failed: install redis-server (.ci/run does)').toBe(
    true,
  );
});

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

  it('two engines sharing one budget through Redis: one engine’s retries drain the other’s', async () => {
    const failing = async () => ({
      httpStatus: 500,
      headers: {},
      body: { status_code: '5024' },
      raw: 0,
    });
    const op = {
      method: 'GET',
      url: 'https://api.portone.cloud/api/transaction/R-2/status',
      kind: 'read' as const,
      send: failing,
    };
    const policy = { retries: 3, minDelayMs: 0, maxDelayMs: 0 };
    const engineA = createEngine({
      store: createRedisStore({ client: a }),
      budget: { capacity: 2 },
      policy,
    });
    const engineB = createEngine({
      store: createRedisStore({ client: b }),
      budget: { capacity: 2 },
      policy,
    });
    let sentB = 0;
    await engineA.execute(op).catch(() => undefined); // spends the 2 tokens on two retries
    await engineB
      .execute({
        ...op,
        send: () => {
          sentB++;
          return failing();
        },
      })
      .catch(() => undefined);
    expect(sentB).toBe(1);
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
      breaker: { failureThreshold: 3 },
      budget: false,
      policy: { retries: 0 },
    });
    const engineB = createEngine({
      store: createRedisStore({ client: b }),
      breaker: { failureThreshold: 3 },
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
    expect(opened).toEqual(['GET /api/transaction/{merchantOrderRef}/status open']);
    const error = await engineB.execute(op(2000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortOneCircuitOpenError);
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
