/**
 * A merchant's checkout process for the kill test: sends creates, a refund and a pending payment
 * through an engine journalled in Redis, against the simulator, and prints what it learns
 * (`DONE <ref>`, `FAILED <ref>`). The test SIGKILLs it while calls are in flight.
 * Run as: node --import tsx journal-child.ts, with REDIS_PORT, SIM_URL, PREFIX and REFS set.
 */
import { Redis } from 'ioredis';
import { createEngine, type Operation } from '../../../core/src/index.js';
import { createRedisJournal } from '../../src/redis-journal.js';

const env = process.env as Record<string, string>;
const refs = JSON.parse(env.REFS as string) as {
  normal: string;
  answerLost: string;
  pending: string;
  lookupHangs: string;
  neverSent: string;
  refundOf: string;
  refundAmount: number;
};
const sim = env.SIM_URL as string;
const client = new Redis({ port: Number(env.REDIS_PORT), host: '127.0.0.1' });
const engine = createEngine({
  journal: createRedisJournal({ client, prefix: env.PREFIX as string }),
  policy: {
    attemptTimeoutMs: 30_000,
    deadlineMs: 60_000,
    pollIntervalMs: 100,
    pollMaxIntervalMs: 100,
    pollDeadlineMs: 60_000,
    minDelayMs: 10,
    maxDelayMs: 20,
  },
});

const print = (line: string) => process.stdout.write(`${line}\n`);
const read = async (response: Response) => {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};
const answer = async (response: Response) => ({
  httpStatus: response.status,
  headers: response.headers,
  body: await read(response),
  raw: undefined,
});

function create(ref: string, stall = false): Operation<unknown> {
  const body = { merchant_order_id: ref, amount: 1000, currency: 'VND', pmt_channel: 'MOMOPAY' };
  return Object.assign(
    {
      method: 'POST',
      url: `${sim}/api/initiatePayment`,
      kind: 'create' as const,
      orderRef: ref,
      async send({ signal }: { signal: AbortSignal }) {
        if (stall) {
          // Killed here: the intent is written, nothing has left the process.
          print(`STALLED ${ref}`);
          await new Promise(() => {});
        }
        return answer(
          await fetch(`${sim}/api/initiatePayment`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal,
          }),
        );
      },
      async checkStatus(orderRef: string, { signal }: { signal: AbortSignal }) {
        return answer(await fetch(`${sim}/api/transaction/${orderRef}/status`, { signal }));
      },
    },
    { body },
  );
}

function refund(po: string, amount: number): Operation<unknown> {
  const body = { amount, reason: 'customer returned it' };
  return Object.assign(
    {
      method: 'POST',
      url: `${sim}/api/refund/${po}`,
      kind: 'money-move' as const,
      async send({ signal }: { signal: AbortSignal }) {
        return answer(
          await fetch(`${sim}/api/refund/${po}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal,
          }),
        );
      },
    },
    { body },
  );
}

const run = (name: string, operation: Operation<unknown>) =>
  engine.execute(operation).then(
    () => print(`DONE ${name}`),
    (error: Error) => print(`FAILED ${name} ${error.name}`),
  );
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The simulator answers initiatePayment in this order: normally, late, pending, cut after.
await run(refs.normal, create(refs.normal));
void run(refs.answerLost, create(refs.answerLost));
await pause(50);
void run(refs.pending, create(refs.pending));
await pause(50);
void run(refs.lookupHangs, create(refs.lookupHangs));
await pause(50);
void run(`refund:${refs.refundOf}`, refund(refs.refundOf, refs.refundAmount));
void run(refs.neverSent, create(refs.neverSent, true));
print('READY');
