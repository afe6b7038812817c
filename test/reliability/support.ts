/**
 * Shared helpers of the reliability suite: one small client shape over both adapters, and an
 * event recorder that subscribes to every event an engine emits.
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import {
  type Engine,
  PORTONE_EVENT_NAMES,
  type PolicyOptions,
  type PortOneEventName,
  type PortOneEvents,
  type TokenOption,
} from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import axios from 'axios';

export const ADAPTERS = ['axios', 'fetch'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** Per-request extras: headers (credentials) and the caller's signal. */
export interface RequestExtras {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** A wrapped client seen through one shape, whichever adapter is underneath. */
export interface Client {
  readonly adapter: AdapterName;
  readonly engine: Engine;
  get(url: string, extras?: RequestExtras): Promise<{ status: number; data: unknown }>;
  post(
    url: string,
    body: unknown,
    extras?: RequestExtras,
  ): Promise<{ status: number; data: unknown }>;
}

export interface ClientOptions {
  readonly policy?: PolicyOptions;
  readonly engine?: Engine;
  readonly token?: TokenOption;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `withPortOne(axios.create({ baseURL }), …)` or `createPortOneFetch({ baseUrl, … })`, with the
 * response body read the same way for both (JSON when it is JSON, else text).
 */
export function makeClient(adapter: AdapterName, baseUrl: string, options: ClientOptions): Client {
  const adapterOptions = {
    ...(options.engine === undefined ? {} : { engine: options.engine }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.token === undefined ? {} : { token: options.token }),
  };
  if (adapter === 'axios') {
    const client = withPortOne(axios.create({ baseURL: baseUrl }), adapterOptions);
    const config = (extras: RequestExtras | undefined) => ({
      ...(extras?.headers === undefined ? {} : { headers: { ...extras.headers } }),
      ...(extras?.signal === undefined ? {} : { signal: extras.signal }),
    });
    return {
      adapter,
      engine: client.portone,
      get: async (url, extras) => {
        const res = await client.get(url, config(extras));
        return { status: res.status, data: res.data };
      },
      post: async (url, body, extras) => {
        const res = await client.post(url, body, config(extras));
        return { status: res.status, data: res.data };
      },
    };
  }
  const portoneFetch = createPortOneFetch({ baseUrl, ...adapterOptions });
  const read = async (res: Response) => ({ status: res.status, data: parse(await res.text()) });
  return {
    adapter,
    engine: portoneFetch.portone,
    get: async (url, extras) =>
      read(
        await portoneFetch(url, {
          ...(extras?.headers === undefined ? {} : { headers: { ...extras.headers } }),
          ...(extras?.signal === undefined ? {} : { signal: extras.signal }),
        }),
      ),
    post: async (url, body, extras) =>
      read(
        await portoneFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...extras?.headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
          ...(extras?.signal === undefined ? {} : { signal: extras.signal }),
        }),
      ),
  };
}

/** Every event an engine emits. */
export const EVENT_NAMES = PORTONE_EVENT_NAMES;

export interface RecordedEvent {
  readonly event: PortOneEventName;
  readonly payload: PortOneEvents[PortOneEventName][0];
}

/** Subscribes to every event of `engine`; `stop()` unsubscribes all of them. */
export function recordEvents(engine: Engine) {
  const log: RecordedEvent[] = [];
  const offs = EVENT_NAMES.map((event) =>
    engine.on(event, (payload: PortOneEvents[PortOneEventName][0]) => {
      log.push({ event, payload });
    }),
  );
  return {
    log,
    of: <E extends PortOneEventName>(name: E): PortOneEvents[E][0][] =>
      log.filter((entry) => entry.event === name).map((entry) => entry.payload) as never,
    stop: () => {
      for (const off of offs) off();
    },
  };
}

/** Resolves with what the promise rejected with; fails the test if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it resolved');
}

let sequence = 0;
/** A merchant order ref unique within the run. */
export const newRef = (prefix = 'REL'): string =>
  `${prefix}-${process.pid.toString(36)}-${(++sequence).toString(36)}`;
