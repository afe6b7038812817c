/**
 * Child process of section 1 (`node --import tsx --expose-gc bench/in-flight.ts`): for each
 * client in turn, starts 10 000 creates over a transport that never answers and measures the heap
 * bytes each pending call holds. Prints them as JSON. A process of its own, so the cost rounds
 * leave nothing on its heap and the pending calls die with it (before any of their timers fire:
 * the whole run takes a few seconds, the clients' timeouts ten).
 */
import type { AxiosAdapter } from 'axios';
import { HAPPY_CLIENTS } from './clients.js';

const CALLS = 10_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const never = () => new Promise<never>(() => {});
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const pending: Promise<unknown>[] = [];
const bytes: Record<string, number> = {};
for (const client of HAPPY_CLIENTS.filter((c) => c.role !== 'control')) {
  const calls = client.make({
    baseUrl: 'http://portone.stub',
    fetch: never as typeof fetch,
    axiosAdapter: never as AxiosAdapter,
  });
  // One call first, so what the client builds once (lazily) is not counted per call.
  pending.push(calls.create('warm-up').catch(() => {}));
  await settle();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < CALLS; i++) pending.push(calls.create(`in-flight-${i}`).catch(() => {}));
  await settle();
  gc();
  bytes[client.name] = (process.memoryUsage().heapUsed - before) / CALLS;
}
console.log(JSON.stringify(bytes));
process.exit(0);
