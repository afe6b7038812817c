/**
 * One happy-path client in a worker thread of its own: its own V8 heap, JIT and connection pool,
 * so no client pays for another's garbage or shares its type feedback (a real application runs
 * one of them, not seven side by side). The bench asks it for one batch at a time.
 */
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import {
  attribute,
  frameOwner,
  type ProfileAnswer,
  type ProfileRequest,
  profiled,
} from './attribution.js';
import { pairableClients } from './clients.js';
import { runBounded, runStream } from './lib.js';

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

/** Requests without pause until told to stop, counted in shared memory as they end. */
export interface StreamRequest {
  readonly stream: {
    readonly concurrency: number;
    readonly timeLimitMs: number;
    /** An Int32Array of STREAM_SLOTS over a SharedArrayBuffer (see lib.ts). */
    readonly counters: Int32Array;
  };
}

const { baseUrl, ref, client: name } = workerData as ClientWorkerData;
const client = pairableClients(baseUrl, ref).find((c) => c.name === name);
if (client === undefined) throw new Error(`no happy-path client named ${name}`);

/** This thread's id in the kernel (Linux), so the main thread can read its time on the CPU. */
function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** Our packages' built code, as the profiler names its scripts: file URLs of their directories. */
const ourDirs = [
  '@portone-retry/core',
  '@portone-retry/fetch-adapter',
  '@portone-retry/axios-adapter',
].map((name) => new URL('.', import.meta.resolve(name)).href);

const profileSelf = async ({ profile: request }: ProfileRequest): Promise<ProfileAnswer> => {
  const task = () => client.get();
  const { result, profile } = await profiled(
    request.intervalUs,
    () =>
      runBounded({
        count: Number.MAX_SAFE_INTEGER,
        concurrency: request.concurrency,
        timeLimitMs: request.timeLimitMs,
        task,
      }),
    // The warm-up is bounded by count; the time limit only stops a thread that hangs.
    () =>
      runBounded({
        count: request.warmup,
        concurrency: request.concurrency,
        timeLimitMs: 4 * request.timeLimitMs + 10_000,
        task,
      }),
  );
  return {
    attribution: attribute(profile, frameOwner(ourDirs)),
    requests: result.ok,
    failed: result.failed,
  };
};

parentPort?.on(
  'message',
  async (message: BatchRequest | StreamRequest | ProfileRequest | 'close') => {
    if (message === 'close') process.exit(0);
    if ('profile' in message) {
      parentPort?.postMessage(await profileSelf(message));
      return;
    }
    if ('stream' in message) {
      await runStream({ ...message.stream, task: () => client.get() });
      parentPort?.postMessage('stopped');
      return;
    }
    const result = await runBounded({ ...message, task: () => client.get() });
    parentPort?.postMessage(result);
  },
);
parentPort?.postMessage({ ready: true, tid: threadId() });
