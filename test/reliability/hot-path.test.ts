import { withPortOne } from '@portone-retry/axios-adapter';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promisesPerCall } from './promises-per-call.js';

/**
 * A budget for the happy path that does not depend on the machine's speed: the promises a
 * successful call creates, counted with an async hook, beside the raw client's over the same
 * loopback simulator. Every promise is an allocation and a hop of the microtask queue (and, in an
 * app with AsyncLocalStorage or tracing, a hook call): a change that adds layers shows here.
 */
let sim: Simulator;
let url: string;
beforeAll(async () => {
  sim = await startSimulator();
  const created = await fetch(`${sim.url}/api/initiatePayment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      merchant_order_id: 'HOT-PATH-1',
      amount: 1000,
      currency: 'VND',
      pmt_channel: 'ZALOPAY',
    }),
  });
  await created.text();
  url = `${sim.url}/api/transaction/HOT-PATH-1/status`;
});
afterAll(async () => {
  await sim.close();
});

describe('the happy path creates few promises beyond the raw client', () => {
  it('createPortOneFetch: at most 5 more than fetch per successful read', async () => {
    const ours = createPortOneFetch({ baseUrl: sim.url });
    const raw = await promisesPerCall(() => fetch(url).then((r) => r.json()));
    const wrapped = await promisesPerCall(() => ours(url).then((r) => r.json()));
    expect(raw).toBeGreaterThan(0);
    expect(wrapped - raw).toBeGreaterThan(0);
    expect(wrapped - raw).toBeLessThanOrEqual(5);
  });

  it('withPortOne(axios): at most 3 more than axios per successful read', async () => {
    const rawAxios = axios.create();
    const ourAxios = withPortOne(axios.create(), { baseUrl: sim.url });
    const raw = await promisesPerCall(() => rawAxios.get(url).then((r) => r.data));
    const wrapped = await promisesPerCall(() => ourAxios.get(url).then((r) => r.data));
    expect(raw).toBeGreaterThan(0);
    expect(wrapped - raw).toBeGreaterThan(0);
    expect(wrapped - raw).toBeLessThanOrEqual(3);
  });
});
