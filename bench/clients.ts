/**
 * Every client the bench runs, set up as a user would. Section 1 runs happy-path clients (a
 * status read and a create, each beside its raw client); sections 2–4 run retrying clients that
 * send one POST per call and retry it as configured.
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import { createEngine, type EngineOptions, type PolicyOptions } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import axios, { type AxiosAdapter, type AxiosError, type AxiosInstance } from 'axios';
import axiosRetry, { isNetworkError, isRetryableError } from 'axios-retry';
import ky, { type KyInstance } from 'ky';
import pRetry, { AbortError } from 'p-retry';

/** What the bench asks of every client: a GET and a JSON POST, resolving with the parsed body. */
export interface Http {
  get(path: string): Promise<unknown>;
  post(path: string, body: unknown): Promise<unknown>;
}

/** Where a client's requests go: real loopback sockets, or a stub that answers in memory. */
export interface Transport {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  /** An axios adapter to use instead of Node's http (undefined: axios's default). */
  readonly axiosAdapter?: AxiosAdapter;
}

export type Role = 'raw' | 'control' | 'peer' | 'ours';

/** A section 1 client, beside its raw client. */
export interface HappyClient {
  readonly name: string;
  /** The raw client every figure of this one is compared with. */
  readonly raw: 'axios' | 'fetch';
  /** raw: the baseline; control: the raw client again (the A/A noise floor); peer; ours. */
  readonly role: Role;
  readonly make: (t: Transport) => Http;
}

/** A section 2–4 client: `post` retries as the client is configured to. */
export interface RetryClient {
  readonly name: string;
  readonly ours: boolean;
  readonly make: (baseUrl: string) => Http;
}

const readOk = async (response: Response): Promise<unknown> => {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};
const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const viaFetch = (send: typeof fetch, baseUrl: string): Http => ({
  get: (path) => send(baseUrl + path).then(readOk),
  post: (path, body) => send(baseUrl + path, jsonPost(body)).then(readOk),
});
const viaAxios = (client: AxiosInstance, baseUrl: string): Http => ({
  get: (path) => client.get(baseUrl + path).then((r) => r.data),
  post: (path, body) => client.post(baseUrl + path, body).then((r) => r.data),
});
const viaKy = (client: KyInstance, baseUrl: string): Http => ({
  get: (path) => client.get(baseUrl + path).json(),
  post: (path, body) => client.post(baseUrl + path, { json: body }).json(),
});

const axiosFor = (t: Transport) =>
  axios.create(t.axiosAdapter === undefined ? {} : { adapter: t.axiosAdapter });

/** p-retry as its README shows it: retry what throws, give up at once on an AbortError. */
const pRetryFetch = (send: typeof fetch, options: Parameters<typeof pRetry>[1] = {}) =>
  ((url: string, init?: RequestInit) =>
    pRetry(async () => {
      const response = await send(url, init);
      if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
      if (!response.ok) throw new AbortError(`HTTP ${response.status}`);
      return response;
    }, options)) as typeof fetch;

/** What any client that can abort an attempt on the wire pays: an AbortSignal per call. */
const signalPerCall = () => ({ signal: new AbortController().signal });

const axiosClient = (name: string, role: Role, make: (t: Transport) => Http): HappyClient => ({
  name,
  raw: 'axios',
  role,
  make,
});
const fetchClient = (name: string, role: Role, make: (t: Transport) => Http): HappyClient => ({
  name,
  raw: 'fetch',
  role,
  make,
});

export const HAPPY_CLIENTS: readonly HappyClient[] = [
  axiosClient('axios', 'raw', (t) => viaAxios(axiosFor(t), t.baseUrl)),
  axiosClient('axios (A/A)', 'control', (t) => viaAxios(axiosFor(t), t.baseUrl)),
  axiosClient('axios, a signal per call (floor)', 'peer', (t) => {
    const client = axiosFor(t);
    return {
      get: (path) => client.get(t.baseUrl + path, signalPerCall()).then((r) => r.data),
      post: (path, body) =>
        client.post(t.baseUrl + path, body, signalPerCall()).then((r) => r.data),
    };
  }),
  axiosClient('axios + axios-retry', 'peer', (t) => {
    const client = axiosFor(t);
    axiosRetry(client);
    return viaAxios(client, t.baseUrl);
  }),
  axiosClient('ours: withPortOne(axios)', 'ours', (t) =>
    viaAxios(withPortOne(axiosFor(t), { baseUrl: t.baseUrl }), t.baseUrl),
  ),
  fetchClient('fetch', 'raw', (t) => viaFetch(t.fetch, t.baseUrl)),
  fetchClient('fetch (A/A)', 'control', (t) => viaFetch(t.fetch, t.baseUrl)),
  fetchClient('fetch, a signal per call (floor)', 'peer', (t) =>
    viaFetch((input, init) => t.fetch(input, { ...init, ...signalPerCall() }), t.baseUrl),
  ),
  fetchClient('ky', 'peer', (t) => viaKy(ky.create({ fetch: t.fetch }), t.baseUrl)),
  fetchClient('fetch + p-retry', 'peer', (t) => viaFetch(pRetryFetch(t.fetch), t.baseUrl)),
  fetchClient('ours: createPortOneFetch', 'ours', (t) =>
    viaFetch(createPortOneFetch({ baseUrl: t.baseUrl, fetch: t.fetch }), t.baseUrl),
  ),
];

/**
 * The backoff every client gets in the "same backoff" runs: 3 retries, exponential from 25 ms
 * (the peers' usual base; ours defaults to 250 ms) up to 1 s, full jitter.
 */
export const SAME = { retries: 3, baseMs: 25, capMs: 1000 } as const;
const SAME_POLICY: PolicyOptions = {
  retries: SAME.retries,
  minDelayMs: SAME.baseMs,
  maxDelayMs: SAME.capMs,
};
const fullJitter = (retry: number): number =>
  Math.random() * Math.min(SAME.capMs, SAME.baseMs * 2 ** (retry - 1));

const ourAxios = (name: string, policy?: PolicyOptions): RetryClient => ({
  name,
  ours: true,
  make: (baseUrl) =>
    viaAxios(withPortOne(axios.create(), policy ? { baseUrl, policy } : { baseUrl }), baseUrl),
});

/** Our fetch adapter over an engine of its own, built with `options`. */
export const ourFetch = (name: string, options: EngineOptions = {}): RetryClient => ({
  name,
  ours: true,
  make: (baseUrl) =>
    viaFetch(createPortOneFetch({ baseUrl, engine: createEngine(options) }), baseUrl),
});

const peer = (name: string, make: (baseUrl: string) => Http): RetryClient => ({
  name,
  ours: false,
  make,
});

/** Every client with the defaults its README gives (the peers then never retry a POST). */
export const DEFAULT_CLIENTS: readonly RetryClient[] = [
  ourAxios('ours: withPortOne(axios)'),
  ourFetch('ours: createPortOneFetch'),
  peer('axios + axios-retry', (baseUrl) => {
    const client = axios.create();
    axiosRetry(client);
    return viaAxios(client, baseUrl);
  }),
  peer('ky', (baseUrl) => viaKy(ky, baseUrl)),
  peer('fetch + p-retry', (baseUrl) => viaFetch(pRetryFetch(fetch), baseUrl)),
  peer('fetch, no retry', (baseUrl) => viaFetch(fetch, baseUrl)),
];

/** Every client retrying POSTs on a network error or a 5xx, with the same backoff (`SAME`). */
export const SAME_BACKOFF_CLIENTS: readonly RetryClient[] = [
  ourAxios('ours: withPortOne(axios)', SAME_POLICY),
  ourFetch('ours: createPortOneFetch', { policy: SAME_POLICY }),
  peer('axios + axios-retry, POST retried', (baseUrl) => {
    const client = axios.create();
    axiosRetry(client, {
      retries: SAME.retries,
      retryDelay: fullJitter,
      retryCondition: (error: AxiosError) => isNetworkError(error) || isRetryableError(error),
    });
    return viaAxios(client, baseUrl);
  }),
  peer('ky, POST retried', (baseUrl) => {
    const retry = { limit: SAME.retries, methods: ['get', 'post'], delay: fullJitter };
    return viaKy(ky.create({ retry }), baseUrl);
  }),
  peer('fetch + p-retry, same backoff', (baseUrl) => {
    const options = { retries: SAME.retries, minTimeout: SAME.baseMs, maxTimeout: SAME.capMs };
    return viaFetch(pRetryFetch(fetch, { ...options, randomize: true }), baseUrl);
  }),
];
