/**
 * Child process of section 1 (`node --import tsx --expose-gc bench/in-flight.ts <client> <calls>`):
 * starts `calls` creates through one client over a transport that never answers, and prints the
 * heap bytes each pending call holds. One process per client, so nothing else is on its heap and
 * the pending calls (and their timers) die with it.
 */
import type { AxiosAdapter } from 'axios';
import { HAPPY_CLIENTS } from './clients.js';
import { CREATE_PATH, createBody } from './lib.js';

const gc = (globalThis as { gc?: () => void }).gc;
const client = HAPPY_CLIENTS.find((c) => c.name === process.argv[2]);
const calls = Number(process.argv[3]);
if (gc === undefined || client === undefined || !(calls > 0)) {
  throw new Error('usage: node --import tsx --expose-gc in-flight.ts <client> <calls>');
}

const never = () => new Promise<never>(() => {});
const http = client.make({
  baseUrl: 'http://portone.stub',
  fetch: never as typeof fetch,
  axiosAdapter: never as AxiosAdapter,
});
const create = (ref: string) => http.post(CREATE_PATH, createBody(ref));
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
// One call first, so what the client builds once (lazily) is not counted per call.
const pending = [create('warm-up').catch(() => {})];
await settle();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < calls; i++) pending.push(create(`in-flight-${i}`).catch(() => {}));
await settle();
gc();
console.log((process.memoryUsage().heapUsed - before) / calls);
process.exit(0);
