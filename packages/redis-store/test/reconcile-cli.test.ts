import { type ChildProcess, spawnSync } from 'node:child_process';
import type { Intent } from '@portone-retry/core';
import { createRedisJournal } from '@portone-retry/redis-store';
import { paymentRequest, type Simulator, startSimulator } from '@portone-retry/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { startRedis, stopRedis } from './support/redis-server.js';

const available = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!available)('portone-retry-reconcile', () => {
  let server: ChildProcess;
  let port: number;
  let client: Redis;
  let sim: Simulator;

  beforeAll(async () => {
    ({ process: server, port } = await startRedis());
    client = new Redis({ port, host: '127.0.0.1' });
    sim = await startSimulator({ validate: false });
  });
  afterAll(async () => {
    await sim?.close();
    client?.disconnect();
    await stopRedis(server);
  });

  const intent = (ref: string): Intent => ({
    id: `cli-${ref}`,
    operation: 'initiatePayment',
    kind: 'create',
    orderRef: ref,
    method: 'POST',
    url: `${sim.url}/api/initiatePayment`,
    bodyDigest: '',
    lookup: { method: 'GET', path: `/api/transaction/${ref}/status` },
    startedAt: Date.now() - 1_000,
  });

  it('settles what it can, prints it, and exits 2 while something stays open, 0 once nothing does', async () => {
    const journal = createRedisJournal({ client, prefix: 'cli:' });
    await fetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(paymentRequest('C-1')),
    });
    await journal.open(intent('C-1'));
    await journal.open(intent('C-2'));
    await journal.open({ ...intent('C-3'), lookup: undefined as never, id: 'cli-C-3' });
    const env = {
      PORTONE_REDIS_URL: `redis://127.0.0.1:${port}`,
      PORTONE_KEY: 'test-portone-key',
      PORTONE_SECRET: 'test-secret-never-printed',
      PORTONE_BASE_URL: sim.url,
      PORTONE_JOURNAL_PREFIX: 'cli:',
      PORTONE_OLDER_THAN_MS: '0',
    };
    let out = '';
    const write = (text: string) => {
      out += text;
    };
    expect(await main([], env, write)).toBe(2);
    expect(out).toMatch(/settled\s+initiatePayment\s+C-1\s+Success/);
    expect(out).toMatch(/settled\s+initiatePayment\s+C-2\s+not-found/);
    expect(out).toMatch(/open\s+initiatePayment\s+C-3\s+unknown/);
    expect(out).toContain('2 settled, 1 still open');
    expect(out).not.toContain('test-secret-never-printed');

    await journal.close('cli-C-3', {});
    out = '';
    expect(await main([], env, write)).toBe(0);
    expect(out).toContain('0 settled, 0 still open');
  });

  it('names what is missing and exits 1', async () => {
    let err = '';
    expect(await main([], {}, (text) => (err += text))).toBe(1);
    expect(err).toContain('missing PORTONE_REDIS_URL, PORTONE_KEY, PORTONE_SECRET');
  });
});
