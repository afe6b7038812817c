/**
 * Every client the bench runs, set up as a user would. Section 1 runs happy-path clients (a
 * status read and a create, each beside its raw client); sections 2–4 run retrying clients that
 * send one POST per call and retry it as configured.
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import { createEngine, type EngineOptions, type PolicyOptions } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import axios, { type AxiosAdapter, type AxiosError } from 'axios';
import axiosRetry, { isNetworkError, isRetryableError } from 'axios-retry';
import ky from 'ky';
import pRetry, { AbortError } from 'p-retry';
import { CREATE_PATH, createBody, statusPath } from './lib.js';

/** Where a client's requests go: real loopback sockets, or a stub that answers in memory. */
export interface Transport {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  /** An axios adapter to use instead of Node's http (undefined: axios's default). */
  readonly axiosAdapter?: AxiosAdapter;
}

export type Role = 'raw' | 'control' | 'peer' | 'ours';

/** A section 1 client: reads a payment's status and creates payments. */
export interface HappyClient {
  readonly name: string;
  /** The raw client every figure of this one is compared with. */
  readonly raw: 'axios' | 'fetch';
  /** raw: the baseline; control: the raw client again (the A/A noise floor); peer; ours. */
  readonly role: Role;
  readonly make: (t: Transport) => {
    readonly read: (ref: string) => Promise<unknown>;
    readonly create: (ref: string) => Promise<unknown>;
  };
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

const axiosFor = (t: Transport) =>
  axios.create(t.axiosAdapter === undefined ? {} : { adapter: t.axiosAdapter });

const axiosCalls = (client: ReturnType<typeof axios.create>, t: Transport) => ({
  read: (ref: string) => client.get(t.baseUrl + statusPath(ref)).then((r) => r.data),
  create: (ref: string) =>
    client.post(t.baseUrl + CREATE_PATH, createBody(ref)).then((r) => r.data),
});

const fetchCalls = (send: typeof fetch, t: Transport) => ({
  read: (ref: string) => send(t.baseUrl + statusPath(ref)).then(readOk),
  create: (ref: string) => send(t.baseUrl + CREATE_PATH, jsonPost(createBody(ref))).then(readOk),
});

/** p-retry as its README shows it: retry what throws, give up at once on an AbortError. */
const pRetryFetch = (send: typeof fetch, options: Parameters<typeof pRetry>[1] = {}) =>
  ((url: string, init?: RequestInit) =>
    pRetry(async () => {
      const response = await send(url, init);
      if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
      if (!response.ok) throw new AbortError(`HTTP ${response.status}`);
      return response;
    }, options)) as typeof fetch;

export const HAPPY_CLIENTS: readonly HappyClient[] = [
  { name: 'axios', raw: 'axios', role: 'raw', make: (t) => axiosCalls(axiosFor(t), t) },
  { name: 'axios (A/A)', raw: 'axios', role: 'control', make: (t) => axiosCalls(axiosFor(t), t) },
  {
    // What any client that can abort an attempt on the wire pays: an AbortSignal per call.
    name: 'axios, a signal per call (floor)',
    raw: 'axios',
    role: 'peer',
    make: (t) => {
      const client = axiosFor(t);
      const signal = () => ({ signal: new AbortController().signal });
      return {
        read: (ref) => client.get(t.baseUrl + statusPath(ref), signal()).then((r) => r.data),
        create: (ref) =>
          client.post(t.baseUrl + CREATE_PATH, createBody(ref), signal()).then((r) => r.data),
      };
    },
  },
  {
    name: 'axios + axios-retry',
    raw: 'axios',
    role: 'peer',
    make: (t) => {
      const client = axiosFor(t);
      axiosRetry(client);
      return axiosCalls(client, t);
    },
  },
  {
    name: 'ours: withPortOne(axios)',
    raw: 'axios',
    role: 'ours',
    make: (t) => axiosCalls(withPortOne(axiosFor(t), { baseUrl: t.baseUrl }), t),
  },
  { name: 'fetch', raw: 'fetch', role: 'raw', make: (t) => fetchCalls(t.fetch, t) },
  { name: 'fetch (A/A)', raw: 'fetch', role: 'control', make: (t) => fetchCalls(t.fetch, t) },
  {
    name: 'fetch, a signal per call (floor)',
    raw: 'fetch',
    role: 'peer',
    make: (t) =>
      fetchCalls(
        ((input, init) =>
          t.fetch(input, { ...init, signal: new AbortController().signal })) as typeof fetch,
        t,
      ),
  },
  {
    name: 'ky',
    raw: 'fetch',
    role: 'peer',
    make: (t) => {
      const client = ky.create({ fetch: t.fetch });
      return {
        read: (ref) => client.get(t.baseUrl + statusPath(ref)).json(),
        create: (ref) => client.post(t.baseUrl + CREATE_PATH, { json: createBody(ref) }).json(),
      };
    },
  },
  {
    name: 'fetch + p-retry',
    raw: 'fetch',
    role: 'peer',
    make: (t) => fetchCalls(pRetryFetch(t.fetch), t),
  },
  {
    name: 'ours: createPortOneFetch',
    raw: 'fetch',
    role: 'ours',
    make: (t) => fetchCalls(createPortOneFetch({ baseUrl: t.baseUrl, fetch: t.fetch }), t),
  },
];

/** One POST per call (a create or a refund), retried as the client is configured to. */
export type Post = (path: string, body: unknown) => Promise<unknown>;

export interface RetryClient {
  readonly name: string;
  readonly ours: boolean;
  readonly make: (baseUrl: string) => Post;
}

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
  make: (baseUrl) => {
    const client = withPortOne(axios.create(), policy ? { baseUrl, policy } : { baseUrl });
    return (path, body) => client.post(baseUrl + path, body).then((r) => r.data);
  },
});

/** Our fetch adapter over an engine of its own, built with `options`. */
export const ourFetch = (name: string, options: EngineOptions = {}): RetryClient => ({
  name,
  ours: true,
  make: (baseUrl) => {
    const send = createPortOneFetch({ baseUrl, engine: createEngine(options) });
    return (path, body) => send(baseUrl + path, jsonPost(body)).then(readOk);
  },
});

const plainFetch = (name: string, send: typeof fetch): RetryClient => ({
  name,
  ours: false,
  make: (baseUrl) => (path, body) => send(baseUrl + path, jsonPost(body)).then(readOk),
});

/** Every client with the defaults its README gives (the peers then never retry a POST). */
export const DEFAULT_CLIENTS: readonly RetryClient[] = [
  ourAxios('ours: withPortOne(axios)'),
  ourFetch('ours: createPortOneFetch'),
  {
    name: 'axios + axios-retry',
    ours: false,
    make: (baseUrl) => {
      const client = axios.create();
      axiosRetry(client);
      return (path, body) => client.post(baseUrl + path, body).then((r) => r.data);
    },
  },
  {
    name: 'ky',
    ours: false,
    make: (baseUrl) => (path, body) => ky.post(baseUrl + path, { json: body }).json(),
  },
  plainFetch('fetch + p-retry', pRetryFetch(fetch)),
  plainFetch('fetch, no retry', fetch),
];

/** Every client retrying POSTs on a network error or a 5xx, with the same backoff (`SAME`). */
export const SAME_BACKOFF_CLIENTS: readonly RetryClient[] = [
  ourAxios('ours: withPortOne(axios)', SAME_POLICY),
  ourFetch('ours: createPortOneFetch', { policy: SAME_POLICY }),
  {
    name: 'axios + axios-retry, POST retried',
    ours: false,
    make: (baseUrl) => {
      const client = axios.create();
      axiosRetry(client, {
        retries: SAME.retries,
        retryDelay: fullJitter,
        retryCondition: (error: AxiosError) => isNetworkError(error) || isRetryableError(error),
      });
      return (path, body) => client.post(baseUrl + path, body).then((r) => r.data);
    },
  },
  {
    name: 'ky, POST retried',
    ours: false,
    make: (baseUrl) => {
      const client = ky.create({
        retry: { limit: SAME.retries, methods: ['get', 'post'], delay: fullJitter },
      });
      return (path, body) => client.post(baseUrl + path, { json: body }).json();
    },
  },
  plainFetch(
    'fetch + p-retry, same backoff',
    pRetryFetch(fetch, {
      retries: SAME.retries,
      minTimeout: SAME.baseMs,
      maxTimeout: SAME.capMs,
      randomize: true,
    }),
  ),
];
