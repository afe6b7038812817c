import { withPortOne } from '@portone-retry/axios-adapter';
import * as core from '@portone-retry/core';
import {
  type AttemptContext,
  type AttemptResponse,
  type AttemptSink,
  createEngine,
  type Engine,
  type PolicyOptions,
} from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import axios, { type AxiosError } from 'axios';
import axiosRetry, { isNetworkError, isRetryableError } from 'axios-retry';
import ky from 'ky';
import pRetry, { AbortError } from 'p-retry';
import { createBody } from './lib.js';

/** Retries and delays shared by every retrying client in sections 2–4. */
export const RETRIES = 3;
export const MIN_DELAY_MS = 5;
export const MAX_DELAY_MS = 50;

/** Our policy for sections 2–4: the same retry count and delays as the others. */
export const OUR_POLICY: PolicyOptions = {
  retries: RETRIES,
  minDelayMs: MIN_DELAY_MS,
  maxDelayMs: MAX_DELAY_MS,
  deadlineMs: 10_000,
  attemptTimeoutMs: 5000,
};

/** One happy-path client: a GET of a transaction's status, body read. */
export interface HappyClient {
  readonly name: string;
  /** The raw client this one wraps, for the ratio; undefined for a raw client. */
  readonly baseline?: string;
  readonly ours?: true;
  /** One of ours with a non-default option, shown for what the option costs. */
  readonly option?: true;
  /**
   * A reference point beside the peers, not a tool a user would pick: shown for what the bench
   * can resolve (the raw client against itself) and for the least any layer that reads the
   * answer costs (a minimal hand-written wrapper, and the same with our adapter's guarantees).
   */
  readonly reference?: true;
  readonly get: () => Promise<unknown>;
}

/** A pair the ≥ 0.95 target is set for: one of our adapters with its default options. */
export const underTarget = (client: {
  readonly ours?: boolean | undefined;
  readonly option?: boolean | undefined;
}): boolean => client.ours === true && client.option !== true;

async function readOk(response: Response): Promise<unknown> {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * The least a layer that classifies PortOne's answers does on the happy path, written by hand:
 * a timer for the attempt, the body read as text and parsed, the code checked. No events, no
 * budget, no objects of its own: what is left between it and fetch is what reading the answer
 * before handing it back costs any such layer.
 */
async function minimalWrapper(url: string): Promise<unknown> {
  const timer = setTimeout(() => {}, 10_000);
  try {
    const response = await fetch(url);
    const body = JSON.parse(await response.text()) as { status_code?: unknown };
    if (!response.ok || (body.status_code !== undefined && body.status_code !== '2000')) {
      throw new Error(`HTTP ${response.status}`);
    }
    return body;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a layer that hands back a Response builds once it has read the body: the cheapest
 * Response there is, over the body already parsed (no stream, no copy), its prototype chained to
 * `Response.prototype` so it passes for one. (Making a real Response costs far more.)
 */
class ReadResponse {
  constructor(
    private readonly original: Response,
    private readonly parsed: unknown,
  ) {}
  get ok(): boolean {
    return this.original.ok;
  }
  get status(): number {
    return this.original.status;
  }
  get headers(): Headers {
    return this.original.headers;
  }
  json(): Promise<unknown> {
    return Promise.resolve(this.parsed);
  }
}
Object.setPrototypeOf(ReadResponse.prototype, Response.prototype);

/** A call raced against its timer: the first outcome to claim it settles it. */
interface Race {
  open: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly reject: (reason: unknown) => void;
}
/** True for the first outcome of a race, which also disarms its timer; false for any later one. */
const claim = (race: Race): boolean => {
  clearTimeout(race.timer);
  if (!race.open) return false;
  race.open = false;
  return true;
};
const timeOut = (race: Race): void => {
  if (claim(race)) race.reject(new Error('timed out'));
};

/**
 * The minimal wrapper as a layer with our guarantees must be: it hands back a Response, as
 * `fetch` (and our fetch adapter) does, and its timeout holds without the transport's help (a
 * fetch that never answers is abandoned at the timeout, as our adapter does by default), so the
 * caller's promise is one of its own, raced against one timer. The least such a layer costs.
 */
export function minimalResponseWrapper(
  url: string,
  timeoutMs = 10_000,
  send: typeof fetch = fetch,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const race: Race = { open: true, timer: undefined, reject };
    race.timer = setTimeout(timeOut, timeoutMs, race);
    const fail = (error: unknown): void => {
      if (claim(race)) reject(error);
    };
    send(url)
      .then(async (response) => {
        const body = JSON.parse(await response.text()) as { status_code?: unknown };
        if (!claim(race)) return;
        if (!response.ok || (body.status_code !== undefined && body.status_code !== '2000')) {
          reject(new Error(`HTTP ${response.status}`));
        } else {
          resolve(new ReadResponse(response, body) as unknown as Response);
        }
      }, fail)
      .catch(fail);
  });
}

/**
 * The least operation the engine can run: a GET through `fetch`, the body read as text and
 * parsed, handed back as the reference's Response. No URL matching, no request preparing, no
 * Response of the adapter's: what it costs beyond the reference is the engine's alone.
 */
class ProbeOperation {
  readonly method = 'GET';
  readonly kind = 'read' as const;
  constructor(
    readonly url: string,
    private readonly sendRequest: typeof fetch,
  ) {}

  send(): Promise<AttemptResponse<Response>> {
    // Called as a plain function, as the runtime's fetch expects.
    const send = this.sendRequest;
    return send(this.url).then(async (response) => {
      const body: unknown = JSON.parse(await response.text());
      return {
        httpStatus: response.status,
        headers: response.headers,
        body,
        raw: new ReadResponse(response, body) as unknown as Response,
      };
    });
  }

  /** The first attempt, as the fetch adapter sends it: the outcome straight to the sink. */
  sendTo(_attempt: AttemptContext, sink: AttemptSink<Response>): void {
    this.send().then(
      (answer) => sink.answer(answer),
      (error: unknown) => sink.fail(error),
    );
  }
}

/** A GET of `url` run by `engine` with the least operation there is (see `ProbeOperation`). */
export function engineProbe(
  engine: Engine,
  url: string,
  send: typeof fetch = fetch,
): Promise<Response> {
  return engine.execute<Response>(new ProbeOperation(url, send));
}

/**
 * Clients for `pnpm bench:pair` only, not section 1: they split what our fetch adapter costs
 * beyond the reference into the engine's part and the adapter's (compare the probe with the
 * reference, then ours with the probe).
 */
export function probeClients(baseUrl: string, ref: string): HappyClient[] {
  const url = `${baseUrl}/api/transaction/${ref}/status`;
  const engine = createEngine();
  return [
    {
      name: 'probe: the engine with the least operation',
      baseline: 'fetch',
      reference: true,
      get: () => engineProbe(engine, url).then(readOk),
    },
  ];
}

/** Every client a thread can run: section 1's and the probes. */
export const pairableClients = (baseUrl: string, ref: string): HappyClient[] => [
  ...happyClients(baseUrl, ref),
  ...probeClients(baseUrl, ref),
];

/**
 * The happy-path clients, each as a user would set it up: the six compared (our adapters with
 * their defaults), our fetch adapter with `cancelOnTimeout`, for what that option costs, and three
 * reference points (see `reference`).
 */
export function happyClients(baseUrl: string, ref: string): HappyClient[] {
  const url = `${baseUrl}/api/transaction/${ref}/status`;
  const rawAxios = axios.create();
  const retryAxios = axios.create();
  axiosRetry(retryAxios, { retries: RETRIES });
  const ourAxios = withPortOne(axios.create(), { baseUrl });
  const ourFetch = createPortOneFetch({ baseUrl });
  const ourCancellingFetch = createPortOneFetch({ baseUrl, cancelOnTimeout: true });
  return [
    { name: 'axios', get: () => rawAxios.get(url).then((r) => r.data) },
    {
      name: 'axios + axios-retry',
      baseline: 'axios',
      get: () => retryAxios.get(url).then((r) => r.data),
    },
    {
      name: 'ours: withPortOne(axios)',
      baseline: 'axios',
      ours: true,
      get: () => ourAxios.get(url).then((r) => r.data),
    },
    { name: 'fetch', get: () => fetch(url).then(readOk) },
    {
      name: 'fetch, a second copy',
      baseline: 'fetch',
      reference: true,
      get: () => fetch(url).then(readOk),
    },
    {
      name: 'fetch in a minimal wrapper',
      baseline: 'fetch',
      reference: true,
      get: () => minimalWrapper(url),
    },
    {
      name: 'fetch in a minimal wrapper, with a real timeout, handing back a Response',
      baseline: 'fetch',
      reference: true,
      get: () => minimalResponseWrapper(url).then(readOk),
    },
    { name: 'ky', baseline: 'fetch', get: () => ky.get(url).json() },
    {
      name: 'ours: createPortOneFetch',
      baseline: 'fetch',
      ours: true,
      get: () => ourFetch(url).then(readOk),
    },
    {
      name: 'ours: createPortOneFetch({ cancelOnTimeout: true })',
      baseline: 'fetch',
      ours: true,
      option: true,
      get: () => ourCancellingFetch(url).then(readOk),
    },
  ];
}

/**
 * Whether the engine has a retry budget (a token bucket shared by an engine's calls). It landed
 * while this bench was being written; the outage section says which engine it measured.
 */
export const BUDGET_IN_ENGINE = 'createRetryBudget' in core;

/** One client that creates payments, retrying as configured; `make` builds it for one simulator. */
export interface CreateClient {
  readonly name: string;
  readonly ours?: true;
  /** Only in the outage section (where the retry budget matters). */
  readonly outageOnly?: true;
  readonly make: (baseUrl: string) => (ref: string) => Promise<unknown>;
}

/** Full jitter with the same base and cap as ours: uniform in [0, min(cap, base · 2^(n-1))). */
const fullJitter = (retryNumber: number): number =>
  Math.random() * Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** (retryNumber - 1));

/** What a merchant typically writes with axios-retry to also retry POSTs: network errors and 5xx. */
const retryPosts = (error: AxiosError): boolean => isNetworkError(error) || isRetryableError(error);

const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const createUrl = (baseUrl: string): string => `${baseUrl}/api/initiatePayment`;

/** The retrying clients of sections 2–4, plus a no-retry baseline. */
export const CREATE_CLIENTS: readonly CreateClient[] = [
  {
    name: 'ours: withPortOne(axios)',
    ours: true,
    make: (baseUrl) => {
      const client = withPortOne(axios.create(), { baseUrl, policy: OUR_POLICY });
      return (ref) => client.post(createUrl(baseUrl), createBody(ref));
    },
  },
  {
    name: 'ours: createPortOneFetch',
    ours: true,
    make: (baseUrl) => {
      const client = createPortOneFetch({ baseUrl, policy: OUR_POLICY });
      return (ref) => client(createUrl(baseUrl), jsonPost(createBody(ref))).then(readOk);
    },
  },
  ...(BUDGET_IN_ENGINE
    ? [
        {
          name: 'ours: createPortOneFetch, budget: false',
          ours: true,
          outageOnly: true,
          make: (baseUrl: string) => {
            const engine = createEngine({ policy: OUR_POLICY, budget: false });
            const client = createPortOneFetch({ baseUrl, engine });
            return (ref: string) =>
              client(createUrl(baseUrl), jsonPost(createBody(ref))).then(readOk);
          },
        } as const,
      ]
    : []),
  {
    name: 'axios + axios-retry',
    make: (baseUrl) => {
      const client = axios.create({ timeout: 5000 });
      axiosRetry(client, { retries: RETRIES, retryDelay: fullJitter, retryCondition: retryPosts });
      return (ref) => client.post(createUrl(baseUrl), createBody(ref));
    },
  },
  {
    name: 'fetch + p-retry',
    make: (baseUrl) => (ref) =>
      pRetry(
        async () => {
          const response = await fetch(createUrl(baseUrl), jsonPost(createBody(ref)));
          if (response.status >= 500) {
            await response.body?.cancel();
            throw new Error(`HTTP ${response.status}`);
          }
          if (!response.ok) throw new AbortError(`HTTP ${response.status}`);
          return response.json();
        },
        {
          retries: RETRIES,
          minTimeout: MIN_DELAY_MS,
          maxTimeout: MAX_DELAY_MS,
          factor: 2,
          randomize: true,
        },
      ),
  },
  {
    name: 'fetch, no retry (baseline)',
    make: (baseUrl) => (ref) => fetch(createUrl(baseUrl), jsonPost(createBody(ref))).then(readOk),
  },
];
