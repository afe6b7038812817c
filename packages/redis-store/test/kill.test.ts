import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngine, type Intent, type ReconcileOutcome } from '@portone-retry/core';
import { createReconcileWorker, createRedisJournal } from '@portone-retry/redis-store';
import { type Simulator, seededRandom, startSimulator } from '@portone-retry/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLookup } from './support/fetch-lookup.js';
import { startRedis, stopRedis } from './support/redis-server.js';

const available = spawnSync('redis-server', ['--version']).status === 0;
const CHILD = fileURLToPath(new URL('./support/journal-child.ts', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A process that dies mid-payment leaves nothing for nobody: a checkout process is SIGKILLed with
 * a create not yet sent, a create charged but unanswered, a payment mid-poll, an ambiguous
 * create mid-lookup and a refund done but unanswered; another process's reconcile worker then
 * settles every one of them from the Redis journal.
 */
describe.skipIf(!available)('payments outlive a SIGKILLed process', () => {
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

  it.each([1, 2, 3])(
    'seed %i: every charged payment is settled and known, none twice, none left open',
    async (seed) => {
      const random = seededRandom(seed);
      const prefix = `kill${seed}:`;
      const refs = {
        normal: `S${seed}-normal`,
        answerLost: `S${seed}-answer-lost`,
        pending: `S${seed}-pending`,
        lookupHangs: `S${seed}-lookup-hangs`,
        neverSent: `S${seed}-never-sent`,
        refundOf: '',
        refundAmount: 100 + Math.floor(random() * 800),
      };
      // A payment the merchant made earlier, refunded by the process that will die.
      const paid = `S${seed}-paid-earlier`;
      await fetch(`${sim.url}/api/initiatePayment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ merchant_order_id: paid, amount: 1000, currency: 'VND' }),
      });
      refs.refundOf = sim.ledger.byMerchantRef(paid)?.orderRef as string;

      sim.script('POST /api/initiatePayment', [
        {},
        { delayMs: 30_000 },
        { pending: 20 + Math.floor(random() * 20) },
        { reset: 'after' },
      ]);
      sim.script(`GET /api/transaction/${refs.lookupHangs}/status`, [{ delayMs: 30_000 }]);
      sim.script('POST /api/refund/*', [{ delayMs: 30_000 }]);

      const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
        cwd: PACKAGE,
        env: {
          ...process.env,
          REDIS_PORT: String(port),
          SIM_URL: sim.url,
          PREFIX: prefix,
          REFS: JSON.stringify(refs),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let errors = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        errors += chunk.toString();
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await until(
          () =>
            output.includes('READY') &&
            output.includes(`STALLED ${refs.neverSent}`) &&
            sim.requests(`GET /api/transaction/${refs.pending}/status`) >= 1 &&
            sim.requests(`GET /api/transaction/${refs.lookupHangs}/status`) >= 1 &&
            sim.requests(`POST /api/refund/${refs.refundOf}`) >= 1,
          `the child to reach every kill point (stdout: ${output}; stderr: ${errors})`,
        );
        // Killed a seeded moment later: mid-poll, mid-lookup, before send, after send.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 150)));
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      const known = new Set([paid]);
      for (const [, ref] of output.matchAll(/^DONE (\S+)$/gm)) known.add(ref as string);
      expect(known.has(refs.normal)).toBe(true);

      // The dead process's money moves are open in the journal; its finished create is not.
      const journal = createRedisJournal({ client, prefix });
      const left = await journal.list({ now: Date.now() });
      expect(left.map((i) => i.orderRef).sort()).toEqual(
        [refs.answerLost, refs.pending, refs.lookupHangs, refs.neverSent, refs.refundOf].sort(),
      );

      // Another process settles them.
      const settled = new Map<string, ReconcileOutcome['status']>();
      const worker = await createReconcileWorker({
        client,
        engine: createEngine({ journal }),
        olderThanMs: 0,
        lookup: fetchLookup,
        sweepEveryMs: 100,
        backoffMs: 10,
        prefix: `kill${seed}-bull`,
        reconcile: { pollIntervalMs: 1 },
        onSettled: (intent: Intent, outcome) => {
          expect(settled.has(intent.id)).toBe(false);
          settled.set(intent.id, outcome.status);
          if (intent.kind === 'create') known.add(intent.orderRef as string);
        },
      });
      try {
        await until(() => settled.size >= 5, 'the worker to settle every intent');
      } finally {
        await worker.close();
      }

      const statusOf = (ref: string) => settled.get(left.find((i) => i.orderRef === ref)?.id ?? '');
      expect(statusOf(refs.neverSent)).toBe('not-found');
      expect(statusOf(refs.answerLost)).toBe('Success');
      expect(statusOf(refs.pending)).toBe('Success');
      expect(statusOf(refs.lookupHangs)).toBe('Success');
      expect(statusOf(refs.refundOf)).toBe('Success');
      expect(await journal.list({ now: Date.now() })).toEqual([]);

      // Every payment PortOne holds is known to the merchant, and none was charged twice.
      const ledger = sim.ledger.entries().filter((p) => p.merchantOrderRef.startsWith(`S${seed}-`));
      for (const payment of ledger) expect(known).toContain(payment.merchantOrderRef);
      expect(sim.ledger.duplicates()).toEqual([]);
      expect(ledger.map((p) => p.merchantOrderRef).sort()).toEqual(
        [paid, refs.normal, refs.answerLost, refs.pending, refs.lookupHangs].sort(),
      );
      expect(sim.ledger.moves('refund', refs.refundOf)).toHaveLength(1);
    },
    30_000,
  );
});
