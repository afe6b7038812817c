import { type ChildProcess, spawnSync } from 'node:child_process';
import { createEngine, type Intent, type ReconcileOutcome } from '@portone-retry/core';
import { createReconcileWorker, createRedisJournal } from '@portone-retry/redis-store';
import { paymentRequest, type Simulator, startSimulator } from '@portone-retry/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLookup } from './support/fetch-lookup.js';
import { startRedis, stopRedis } from './support/redis-server.js';

const available = spawnSync('redis-server', ['--version']).status === 0;

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!available)('reconcile worker on BullMQ against a real redis-server', () => {
  let server: ChildProcess;
  let client: Redis;
  let sim: Simulator;

  beforeAll(async () => {
    const started = await startRedis();
    server = started.process;
    client = new Redis({ port: started.port, host: '127.0.0.1' });
    sim = await startSimulator({ validate: false });
  });
  afterAll(async () => {
    await sim?.close();
    client?.disconnect();
    await stopRedis(server);
  });

  const post = (path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);

  const create = (ref: string): Intent => ({
    id: `id-${ref}`,
    operation: 'initiatePayment',
    kind: 'create',
    orderRef: ref,
    method: 'POST',
    url: `${sim.url}/api/initiatePayment`,
    bodyDigest: '',
    lookup: { method: 'GET', path: `/api/transaction/${ref}/status` },
    compare: { amount: 1000 },
    startedAt: Date.now() - 1_000,
  });

  it('two workers sweep the same journal: every intent settled once, none left open', async () => {
    const journal = createRedisJournal({ client, prefix: 'w1:' });
    await post('/api/initiatePayment', paymentRequest('W-1'));
    sim.script('POST /api/initiatePayment', [{ pending: 2 }]);
    await post('/api/initiatePayment', paymentRequest('W-3'));
    const po = sim.ledger.byMerchantRef('W-1')?.orderRef as string;
    await post(`/api/refund/${po}`, { amount: 400 });
    const refund: Intent = {
      ...create('x'),
      id: 'id-refund',
      operation: 'createRefund',
      kind: 'money-move',
      orderRef: po,
      url: `${sim.url}/api/refund/${po}`,
      lookup: { method: 'GET', path: `/api/refund/${po}` },
      compare: { amount: 400 },
    };
    for (const intent of [create('W-1'), create('W-2'), create('W-3'), refund]) {
      await journal.open(intent);
    }
    // A call still running: too young to be swept.
    await journal.open({ ...create('W-4'), startedAt: Date.now() + 60_000 });

    const settled: [string, ReconcileOutcome['status']][] = [];
    const onSettled = (intent: Intent, outcome: ReconcileOutcome) => {
      settled.push([intent.id, outcome.status]);
    };
    const options = {
      client,
      olderThanMs: 500,
      onSettled,
      lookup: fetchLookup,
      sweepEveryMs: 100,
      backoffMs: 20,
      prefix: 'w1-bull',
      reconcile: { pollIntervalMs: 10 },
    };
    const a = await createReconcileWorker({ ...options, engine: createEngine({ journal }) });
    const b = await createReconcileWorker({ ...options, engine: createEngine({ journal }) });
    try {
      await Promise.all([a.sweep(), b.sweep(), a.sweep()]);
      await until(() => settled.length >= 4);
      // Sweeps keep running: nothing is settled twice.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect(settled.sort()).toEqual([
      ['id-W-1', 'Success'],
      ['id-W-2', 'not-found'],
      ['id-W-3', 'Success'],
      ['id-refund', 'Success'],
    ]);
    expect((await journal.list({ now: Date.now() + 120_000 })).map((i) => i.id)).toEqual([
      'id-W-4',
    ]);
    expect(sim.ledger.count('W-1')).toBe(1);
    expect(sim.ledger.count('W-2')).toBe(0);
  });

  it('an intent no lookup can settle is retried with backoff and stays open', async () => {
    const journal = createRedisJournal({ client, prefix: 'w2:' });
    await journal.open(create('U-1'));
    let lookups = 0;
    const worker = await createReconcileWorker({
      client,
      engine: createEngine({ journal }),
      olderThanMs: 0,
      lookup: async () => {
        lookups++;
        return { httpStatus: 503, headers: {}, body: 'down' };
      },
      sweepEveryMs: 60_000,
      attempts: 3,
      backoffMs: 10,
      prefix: 'w2-bull',
      reconcile: { pollIntervalMs: 1, lookupAttempts: 1 },
    });
    try {
      await worker.sweep();
      await until(() => lookups >= 3);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await worker.close();
    }
    // The sweep at start and the one asked for collapse into one job of three tries.
    expect(lookups).toBe(3);
    expect((await journal.list({ now: Date.now() })).map((i) => i.id)).toEqual(['id-U-1']);
  });

  it('refuses bad options with a TypeError naming them', async () => {
    const engine = createEngine();
    await expect(createReconcileWorker({ client, engine, olderThanMs: -1 })).rejects.toThrow(
      /olderThanMs/,
    );
    await expect(
      createReconcileWorker({ client, engine: {} as ReturnType<typeof createEngine> }),
    ).rejects.toThrow(/engine/);
  });
});
