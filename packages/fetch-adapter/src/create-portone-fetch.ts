import {
  type AdapterOptions,
  type AttemptResponse,
  channelOf,
  type Engine,
  operationKindOf,
  orderRefOf,
  portOneUrlMatcher,
  resolveAdapterOptions,
  type StatusCheck,
  statusUrl,
} from '@portone-retry/core';
import { peek, replayable } from './body.js';

/** A user's own status lookup: performs the request with any client and returns its Response. */
export type FetchStatusCheck = (
  orderRef: string,
  context: { signal: AbortSignal },
) => Promise<Response>;

/** Options of `createPortOneFetch`. */
export interface PortOneFetchOptions extends AdapterOptions<FetchStatusCheck> {
  /**
   * The fetch to wrap (undici's, a polyfill, a test double).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
}

/** `fetch`, made safe to retry against PortOne, with the engine at `.portone`. */
export type PortOneFetch = ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) & {
  readonly portone: Engine;
};

/** Headers that identify the merchant: copied to the status lookups of a call. */
const AUTH_HEADERS = ['authorization', 'x-portone-client-key'];

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** The headers the caller gave, from `init` or from a `Request` input. */
function headersOf(input: RequestInfo | URL, init: RequestInit | undefined): Headers {
  return new Headers(
    init?.headers ??
      (typeof Request !== 'undefined' && input instanceof Request ? input.headers : undefined),
  );
}

/** A status lookup carries only the merchant's credentials: the create's body headers would lie. */
function credentialsOf(source: Headers): Headers {
  const headers = new Headers({ accept: 'application/json' });
  for (const name of AUTH_HEADERS) {
    const value = source.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

async function toAttempt(response: Response): Promise<AttemptResponse<Response>> {
  const { body, response: fresh } = await peek(response);
  return { httpStatus: response.status, headers: response.headers, body, raw: fresh };
}

/**
 * Wraps a WHATWG `fetch` so every PortOne call goes through the engine: retries, polling,
 * reconciliation and typed errors. Resolves with the final `Response`, body unread; rejects with
 * a `PortOneError`. Calls to other origins pass through untouched. Runs on any runtime with fetch.
 */
export function createPortOneFetch(options: PortOneFetchOptions = {}): PortOneFetch {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('options must be an object of PortOne fetch options');
  }
  const { fetch: fetchOption, ...rest } = options;
  if (fetchOption !== undefined && typeof fetchOption !== 'function') {
    throw new TypeError('fetch must be a function');
  }
  const fetchImpl: typeof fetch = fetchOption ?? ((...args) => globalThis.fetch(...args));
  const { engine, baseUrl, checkStatus, auth } = resolveAdapterOptions<FetchStatusCheck>(rest);
  /** The headers with fresh credentials from the token provider, when there is one. */
  const withAuth = async (headers: Headers): Promise<Headers> => {
    if (auth === undefined) return headers;
    const merged = new Headers(headers);
    for (const [name, value] of Object.entries(await auth.headers())) merged.set(name, value);
    return merged;
  };

  const isPortOne = portOneUrlMatcher(baseUrl);

  const portoneFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    if (!isPortOne(url)) return fetchImpl(input, init);

    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const kind = operationKindOf(method, url);
    const request = replayable(input, init);
    const text = kind === 'create' ? await request.text() : undefined;
    const orderRef = orderRefOf(text);
    const channel = channelOf(text);
    // Headers are copied only when needed: lookups are rare, and a request's own headers need
    // rewriting only to add a token.
    const lookup: StatusCheck<Response> = async (ref, { signal }) =>
      toAttempt(
        checkStatus
          ? await checkStatus(ref, { signal })
          : await fetchImpl(statusUrl(baseUrl, ref), {
              headers: await withAuth(credentialsOf(headersOf(input, init))),
              signal,
            }),
      );
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);

    return engine.execute<Response>({
      method,
      url,
      kind,
      ...(orderRef === undefined ? {} : { orderRef }),
      ...(channel === undefined ? {} : { channel }),
      ...(signal ? { signal } : {}),
      ...(request.notReplayable === undefined ? {} : { notReplayable: request.notReplayable }),
      checkStatus: lookup,
      ...(auth === undefined ? {} : { refreshAuth: () => auth.refresh() }),
      send: async ({ signal: attemptSignal }) => {
        const [attemptInput, attemptInit] = request.next(attemptSignal);
        if (auth !== undefined) attemptInit.headers = await withAuth(headersOf(input, init));
        return toAttempt(await fetchImpl(attemptInput, attemptInit));
      },
    });
  };
  return Object.assign(portoneFetch, { portone: engine });
}
