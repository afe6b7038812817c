import {
  type Engine,
  type Intent,
  type ReconcileOptions,
  type ReconcileOutcome,
  reconcileIntent,
} from '@portone-retry/core';
import { type Job, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

/** Options of `createReconcileWorker`. */
export interface ReconcileWorkerOptions {
  /** A connected ioredis client; the worker opens its own connections from it and closes them. */
  client: Redis | Cluster;
  /** The engine whose journal (a `createRedisJournal`, shared by the fleet) is settled. */
  engine: Engine;
  /**
   * Intents younger than this are left to the call that opened them, which may still be running.
   * Keep it above the policy's deadline plus its poll deadline.
   * @default 600000
   */
  olderThanMs?: number;
  /**
   * Called once an intent is settled and closed, so the merchant can update the order. Delivery
   * is at least once (a worker may die between settling and acknowledging): make it idempotent.
   * If it throws, the job is retried.
   */
  onSettled?: (intent: Intent, outcome: ReconcileOutcome) => unknown;
  /** How lookups reach PortOne. @default the transport the engine's adapter registered */
  lookup?: ReconcileOptions['lookup'];
  /** Further options of each intent's settlement (poll interval and deadline, lookup timeout). */
  reconcile?: Omit<ReconcileOptions, 'lookup' | 'olderThanMs' | 'signal'>;
  /** How often the sweep looks for open intents, in ms. @default 60000 */
  sweepEveryMs?: number;
  /** Intents settled at the same time by this worker. @default 4 */
  concurrency?: number;
  /** Tries per intent before its job fails (the next sweep enqueues it again). @default 8 */
  attempts?: number;
  /** First retry delay, doubled at each try, in ms. @default 5000 */
  backoffMs?: number;
  /** The BullMQ queue's name. @default 'portone-retry-reconcile' */
  queueName?: string;
  /** The BullMQ key prefix. @default 'portone-retry' */
  prefix?: string;
}

/** A running reconcile worker. */
export interface ReconcileWorker {
  /** Enqueues the open intents older than the threshold now; resolves with how many were found. */
  sweep(): Promise<number>;
  /** Stops the sweep and the worker (waiting for the intents in hand) and closes its connections. */
  close(): Promise<void>;
}

function positive(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
    throw new TypeError(`createReconcileWorker: ${name} must be a number >= 0`);
  }
}

/**
 * Settles a fleet's open intents on BullMQ, over the Redis the fleet already shares: a repeatable
 * sweep enqueues each open intent older than `olderThanMs` (job id = intent id, so the sweeps
 * of many servers collapse into one job), and a worker settles it with `reconcileIntent` under
 * BullMQ's lock, retrying with exponential backoff while no lookup can say. Run it on every
 * server, or in a separate process: each intent is settled by one of them at a time.
 */
export async function createReconcileWorker(
  options: ReconcileWorkerOptions,
): Promise<ReconcileWorker> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createReconcileWorker: options must be an object');
  }
  const {
    client,
    engine,
    olderThanMs = 600_000,
    onSettled,
    lookup,
    sweepEveryMs = 60_000,
    concurrency = 4,
    attempts = 8,
    backoffMs = 5_000,
    queueName = 'portone-retry-reconcile',
    prefix = 'portone-retry',
  } = options;
  if (typeof client !== 'object' || client === null || typeof client.duplicate !== 'function') {
    throw new TypeError('createReconcileWorker: client must be an ioredis client');
  }
  if (typeof engine !== 'object' || engine === null || typeof engine.unsettled !== 'function') {
    throw new TypeError('createReconcileWorker: engine must be made by createEngine');
  }
  if (onSettled !== undefined && typeof onSettled !== 'function') {
    throw new TypeError('createReconcileWorker: onSettled must be a function');
  }
  for (const [name, value] of Object.entries({
    olderThanMs,
    sweepEveryMs,
    concurrency,
    attempts,
    backoffMs,
  })) {
    positive(name, value);
  }

  // BullMQ's blocking commands need connections of their own that never give up on a command.
  const queueConnection = client.duplicate({ maxRetriesPerRequest: null } as never) as Redis;
  const workerConnection = client.duplicate({ maxRetriesPerRequest: null } as never) as Redis;
  const queue = new Queue(queueName, { connection: queueConnection, prefix });

  const sweep = async (): Promise<number> => {
    const now = Date.now();
    const due = (await engine.unsettled()).filter((i) => now - i.startedAt >= olderThanMs);
    if (due.length === 0) return 0;
    await queue.addBulk(
      due.map((intent) => ({
        name: 'settle',
        data: intent,
        opts: {
          jobId: `intent-${intent.id}`,
          attempts: Math.max(1, attempts),
          backoff: { type: 'exponential', delay: backoffMs },
          // Gone once done, so an intent still open at the next sweep is enqueued again.
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
    return due.length;
  };

  const settle = async (job: Job<Intent>) => {
    const intent = job.data;
    const outcome = await reconcileIntent(engine, intent, {
      ...options.reconcile,
      ...(lookup === undefined ? {} : { lookup }),
    });
    if (!outcome.closed) {
      // Still pending, or no lookup could say: BullMQ tries again after its backoff.
      throw new Error(`intent ${intent.id} is still open (${outcome.status})`);
    }
    await onSettled?.(intent, outcome);
    return outcome;
  };

  const worker = new Worker<Intent>(
    queueName,
    async (job) => (job.name === 'sweep' ? sweep() : settle(job as Job<Intent>)),
    { connection: workerConnection, prefix, concurrency: Math.max(1, concurrency) },
  );
  // Job failures are retried or re-swept; a worker's own errors must not crash the process.
  worker.on('error', () => {});
  await queue.upsertJobScheduler(
    'portone-retry-sweep',
    { every: Math.max(1, sweepEveryMs) },
    { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: true } },
  );

  return {
    sweep,
    async close() {
      await worker.close();
      await queue.close();
      queueConnection.disconnect();
      workerConnection.disconnect();
    },
  };
}
