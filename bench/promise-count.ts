import { withPortOne } from '@portone-retry/axios-adapter';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { startSimulator } from '@portone-retry/testing';
import axios from 'axios';
import axiosRetry from 'axios-retry';
import ky from 'ky';
import { RETRIES } from './clients.js';
import { createPaymentToRead, progress, promisesPerCall } from './lib.js';

/** Promises one successful read creates through a client, beside its raw client. */
export interface PromiseRow {
  readonly client: string;
  readonly baseline?: string;
  readonly promises: number;
  /** `promises` minus the raw client's. */
  readonly beyondRaw?: number;
}

/**
 * Section 5d: the promises a successful `GET` of a payment's status creates through each client,
 * over a simulator in this process (its own promises count for every client alike). Unlike the
 * timings, the count is the same on every machine and every run.
 */
export async function runPromiseCount(): Promise<PromiseRow[]> {
  progress('pure: promises per successful call');
  const sim = await startSimulator();
  try {
    const ref = 'bench-promises';
    await createPaymentToRead(sim.url, ref);
    const url = `${sim.url}/api/transaction/${ref}/status`;
    const retryAxios = axios.create();
    axiosRetry(retryAxios, { retries: RETRIES });
    const ourAxios = withPortOne(axios.create(), { baseUrl: sim.url });
    const ourFetch = createPortOneFetch({ baseUrl: sim.url });
    const rawAxios = axios.create();
    const clients: { client: string; baseline?: string; call: () => Promise<unknown> }[] = [
      { client: 'axios', call: () => rawAxios.get(url).then((r) => r.data) },
      {
        client: 'axios + axios-retry',
        baseline: 'axios',
        call: () => retryAxios.get(url).then((r) => r.data),
      },
      {
        client: 'ours: withPortOne(axios)',
        baseline: 'axios',
        call: () => ourAxios.get(url).then((r) => r.data),
      },
      { client: 'fetch', call: () => fetch(url).then((r) => r.json()) },
      { client: 'ky', baseline: 'fetch', call: () => ky.get(url).json() },
      {
        client: 'ours: createPortOneFetch',
        baseline: 'fetch',
        call: () => ourFetch(url).then((r) => r.json()),
      },
    ];
    const counts = new Map<string, number>();
    for (const { client, call } of clients) counts.set(client, await promisesPerCall(call));
    return clients.map(({ client, baseline }) => {
      const promises = counts.get(client)!;
      return baseline === undefined
        ? { client, promises }
        : { client, baseline, promises, beyondRaw: promises - counts.get(baseline)! };
    });
  } finally {
    await sim.close();
  }
}
