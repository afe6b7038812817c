import { resolveTokenProvider, type TokenOption } from '../auth/index.js';
import type { Engine } from './engine.js';

/** A lookup to send to PortOne: `url` is absolute, or a path the transport resolves on its base URL. */
export interface LookupTransportRequest {
  readonly method: string;
  readonly url: string;
  /** The JSON body, for the lookups PortOne serves by POST. */
  readonly body?: unknown;
}

/** PortOne's answer to a lookup, as the transport read it (body parsed when it is JSON). */
export interface LookupTransportResponse {
  readonly httpStatus: number;
  readonly headers: Headers | Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/**
 * Sends one lookup to PortOne with the merchant's credentials, and nothing else: no retry, no
 * classification (the reconciler reads the answer with the catalogue's `readLookup`). Rejects
 * only when no answer was read.
 */
export type LookupTransport = (
  request: LookupTransportRequest,
  context: { readonly signal: AbortSignal },
) => Promise<LookupTransportResponse>;

/** Where an engine keeps the lookup transport an adapter registered (across package copies). */
const LOOKUP_TRANSPORT = Symbol.for('portone-retry.lookup-transport');

/**
 * Gives `engine` a way to reach PortOne for lookups outside any call, for `reconcile` and the
 * reconcile worker: an adapter registers its own (its client, base URL and credentials) when it
 * is given the engine. The last one registered wins.
 */
export function registerLookupTransport(engine: Engine, transport: LookupTransport): void {
  if (typeof transport !== 'function') {
    throw new TypeError('registerLookupTransport: transport must be a function');
  }
  Object.defineProperty(engine, LOOKUP_TRANSPORT, {
    value: transport,
    configurable: true,
    writable: true,
  });
}

/** The lookup transport registered on `engine`, if any. */
export function lookupTransportOf(engine: Engine): LookupTransport | undefined {
  return (engine as unknown as Record<symbol, LookupTransport | undefined>)[LOOKUP_TRANSPORT];
}

/** Options of `createFetchLookupTransport`. */
export interface FetchLookupTransportOptions {
  /** The merchant's PortOne credentials: a key and secret the SDK signs a JWT with, or a function returning one. */
  readonly token?: TokenOption;
  /**
   * Where a lookup whose URL is a bare path goes.
   * @default 'https://api.portone.cloud'
   */
  readonly baseUrl?: string;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * A lookup transport on fetch, for reconciling where no adapter is at hand (a separate worker
 * process, the CLI): signs its requests like the adapters do and parses JSON answers.
 */
export function createFetchLookupTransport(
  options: FetchLookupTransportOptions = {},
): LookupTransport {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createFetchLookupTransport: options must be an object');
  }
  const auth = resolveTokenProvider(options.token);
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== 'function')
    throw new TypeError('createFetchLookupTransport: fetch must be a function');
  const base = options.baseUrl ?? 'https://api.portone.cloud';
  return async (request, { signal }) => {
    const url = /^https?:\/\//i.test(request.url) ? request.url : new URL(request.url, base).href;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(auth === undefined ? {} : await auth.headers()),
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const response = await send(url, {
      method: request.method,
      headers,
      signal,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? '' : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's page): the reader sees the text and calls it unknown.
    }
    return { httpStatus: response.status, headers: response.headers, body };
  };
}
