/**
 * One happy-path client in a worker thread of its own: its own V8 heap, JIT and connection pool,
 * so no client pays for another's garbage or shares its type feedback (a real application runs
 * one of them, not seven side by side). The bench asks it for one batch at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { happyClients } from './clients.js';
import { runBounded } from './lib.js';

export interface ClientWorkerData {
  readonly baseUrl: string;
  readonly ref: string;
  readonly client: string;
}

export interface BatchRequest {
  readonly count: number;
  readonly concurrency: number;
  readonly timeLimitMs: number;
}

const { baseUrl, ref, client: name } = workerData as ClientWorkerData;
const client = happyClients(baseUrl, ref).find((c) => c.name === name);
if (client === undefined) throw new Error(`no happy-path client named ${name}`);

parentPort?.on('message', async (batch: BatchRequest | 'close') => {
  if (batch === 'close') process.exit(0);
  const result = await runBounded({ ...batch, task: () => client.get() });
  parentPort?.postMessage(result);
});
parentPort?.postMessage('ready');
