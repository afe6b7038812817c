/**
 * Every client the bench runs, set up as its README shows. Section 1 runs them all, each beside
 * its raw client; sections 2–4 run ours and the peers (and fetch, which does not retry) with
 * their defaults and with the same backoff for all.
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import { createEngine, type EngineOptions } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import axios, { type AxiosAdapter, type AxiosError, type AxiosInstance } from 'axios';
import axiosRetry, { isNetworkError, isRetryableError } from 'axios-retry';
import ky from 'ky';
import pRetry, { AbortError } from 'p-retry';
import { jsonPost } from './lib.js';

/** Where a client's requests go: real loopback sockets, or a stub that answers in memory. */
export interface Transport {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  /** An axios adapter to use instead of Node's http (undefined: axios's default). */
  readonly axiosAdapter?: AxiosAdapter;
}

/** A GET and a POST to a PortOne path, each resolving with the answer's parsed body. */
export interface Http {
  readonly get: (path: string) => Promise<unknown>;
  readonly post: (path: string, body: unknown) => Promise<unknown>;
}

export interface Client {
  readonly name: string;
  /** The raw client every cost figure of this one is compared with. */
  readonly raw: 'axios' | 'fetch';
  /** control: the raw client again (the A/A noise floor); floor: raw with a signal per call. */
  readonly role: 'raw' | 'control' | 'floor' | 'peer' | 'ours';
  /** `same`: POSTs retried on a network error or a 5xx, with the backoff `SAME`. */
  readonly make: (t: Transport, same?: boolean) => Http;
}

/**
 * The backoff every client gets in the "same backoff" runs: 3 retries, exponential from 25 ms
 * (the peers' usual base; ours defaults to 250 ms) up to 1 s, full jitter.
 */
export const SAME = { retries: 3, baseMs: 25, capMs: 1000 } as const;
const fullJitter = (retry: number): number =>
  Math.random() * Math.min(SAME.capMs, SAME.baseMs * 2 ** (retry - 1));
const samePolicy = (same = false): EngineOptions =>
  same
    ? { policy: { retries: SAME.retries, minDelayMs: SAME.baseMs, maxDelayMs: SAME.capMs } }
    : {};

const readOk = async (response: Response): Promise<unknown> => {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};

const axiosFor = (t: Transport) =>
  axios.create(t.axiosAdapter === undefined ? {} : { adapter: t.axiosAdapter });

/** What any client that can abort an attempt on the wire pays: an AbortSignal per call. */
const signal = () => ({ signal: new AbortController().signal });

const viaAxios = (client: AxiosInstance, t: Transport, config?: typeof signal): Http => ({
  get: (path) => client.get(t.baseUrl + path, config?.()).then((r) => r.data),
  post: (path, body) => client.post(t.baseUrl + path, body, config?.()).then((r) => r.data),
});

const viaFetch = (send: typeof fetch, t: Transport): Http => ({
  get: (path) => send(t.baseUrl + path).then(readOk),
  post: (path, body) => send(t.baseUrl + path, jsonPost(body)).then(readOk),
});

/** p-retry as its README shows it: retry what throws, give up at once on an AbortError. */
const pRetryFetch = (send: typeof fetch, options: Parameters<typeof pRetry>[1]) =>
  ((url: string, init?: RequestInit) =>
    pRetry(async () => {
      const response = await send(url, init);
      if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
      if (!response.ok) throw new AbortError(`HTTP ${response.status}`);
      return response;
    }, options)) as typeof fetch;

/** Our fetch adapter over an engine of its own, built with `options`. */
export const ourFetch = (t: Transport, options: EngineOptions): Http => {
  const engine = createEngine(options);
  return viaFetch(createPortOneFetch({ baseUrl: t.baseUrl, fetch: t.fetch, engine }), t);
};

/** A client whose cost is compared with the raw `raw` client's. */
const beside =
  (raw: Client['raw']) =>
  (name: string, role: Client['role'], make: Client['make']): Client => ({ name, raw, role, make });
const onAxios = beside('axios');
const onFetch = beside('fetch');

export const CLIENTS: readonly Client[] = [
  onAxios('axios', 'raw', (t) => viaAxios(axiosFor(t), t)),
  onAxios('axios (A/A)', 'control', (t) => viaAxios(axiosFor(t), t)),
  onAxios('axios, a signal per call (floor)', 'floor', (t) => viaAxios(axiosFor(t), t, signal)),
  onAxios('axios + axios-retry', 'peer', (t, same) => {
    const client = axiosFor(t);
    const retryCondition = (error: AxiosError) => isNetworkError(error) || isRetryableError(error);
    const options = { retries: SAME.retries, retryDelay: fullJitter, retryCondition };
    axiosRetry(client, same ? options : {});
    return viaAxios(client, t);
  }),
  onAxios('ours: withPortOne(axios)', 'ours', (t, same) => {
    const engine = createEngine(samePolicy(same));
    return viaAxios(withPortOne(axiosFor(t), { baseUrl: t.baseUrl, engine }), t);
  }),
  onFetch('fetch', 'raw', (t) => viaFetch(t.fetch, t)),
  onFetch('fetch (A/A)', 'control', (t) => viaFetch(t.fetch, t)),
  onFetch('fetch, a signal per call (floor)', 'floor', (t) =>
    viaFetch((input, init) => t.fetch(input, { ...init, ...signal() }), t),
  ),
  onFetch('ky', 'peer', (t, same) => {
    const retry = { limit: SAME.retries, methods: ['get', 'post'], delay: fullJitter };
    const client = ky.create({ fetch: t.fetch, ...(same ? { retry } : {}) });
    return {
      get: (path) => client.get(t.baseUrl + path).json(),
      post: (path, body) => client.post(t.baseUrl + path, { json: body }).json(),
    };
  }),
  onFetch('fetch + p-retry', 'peer', (t, same) => {
    const backoff = { minTimeout: SAME.baseMs, maxTimeout: SAME.capMs, randomize: true };
    return viaFetch(pRetryFetch(t.fetch, same ? { retries: SAME.retries, ...backoff } : {}), t);
  }),
  onFetch('ours: createPortOneFetch', 'ours', (t, same) => ourFetch(t, samePolicy(same))),
];
