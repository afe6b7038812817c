import {
  type AdapterOptions,
  type AttemptContext,
  type AttemptResponse,
  channelOf,
  type Engine,
  type Operation,
  type OperationKind,
  operationKindOf,
  orderRefOf,
  portOneUrlMatcher,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
  statusUrl,
  upperMethod,
} from '@portone-retry/core';
import { afterReading, type ReplayableRequest, replayable } from './body.js';

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
  /**
   * Give every attempt an `AbortSignal` of its own, so an attempt that passes its timeout is
   * cancelled on the wire. Without it (and without a `signal` of yours) a timed-out attempt is
   * abandoned: the call moves on at once all the same, and the abandoned response, if it ever
   * comes, is cancelled unread so its connection is freed. Following a signal is the costliest
   * step of a fetch call on Node 20 (undici registers a listener, a WeakRef and a finalizer per
   * request); turn this on where a hung connection costs more than that.
   * @default false
   */
  cancelOnTimeout?: boolean;
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

/** What every call of one `createPortOneFetch` client shares. */
interface FetchClient {
  readonly fetch: typeof fetch;
  readonly baseUrl: string;
  readonly checkStatus: FetchStatusCheck | undefined;
  /** The headers with fresh credentials from the token provider, when there is one. */
  readonly withAuth: (headers: Headers) => Promise<Headers>;
  readonly auth: ResolvedAdapterOptions<FetchStatusCheck>['auth'];
}

/**
 * One call, as the engine runs it. A class, not an object of closures: its methods live on the
 * prototype, so a call allocates one object for them.
 */
class FetchOperation implements Operation<Response> {
  orderRef: string | undefined = undefined;
  channel: string | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  readonly notReplayable: string | undefined;
  refreshAuth: (() => Promise<void>) | undefined = undefined;

  constructor(
    private readonly client: FetchClient,
    readonly method: string,
    readonly url: string,
    readonly kind: OperationKind,
    private readonly input: RequestInfo | URL,
    private readonly init: RequestInit | undefined,
    private readonly request: ReplayableRequest,
    /** Whether an attempt is handed its own signal (the caller's signal, or `cancelOnTimeout`). */
    private readonly cancellable: boolean,
  ) {
    this.notReplayable = request.notReplayable;
  }

  async send(attempt: AttemptContext): Promise<AttemptResponse<Response>> {
    const { client, request } = this;
    const attemptInput = request.attemptInput();
    const next = request.attemptInit(this.cancellable ? attempt.signal : undefined);
    const attemptInit =
      client.auth === undefined
        ? next
        : { ...next, headers: await client.withAuth(headersOf(this.input, this.init)) };
    const response = await client.fetch(attemptInput, attemptInit);
    if (attempt.abandoned) {
      // The engine gave up on this attempt (an uncancellable one outlived its timeout): its
      // late answer is cancelled unread, so the connection goes back to the pool.
      void response.body?.cancel().catch(() => {});
      return { httpStatus: response.status, headers: response.headers, body: '', raw: response };
    }
    // Read here, not through another async function: every promise a call waits on through is
    // a hop of the microtask queue, paid on every call.
    return afterReading(response, await response.text());
  }

  /** Headers are copied only here: lookups are rare. */
  async checkStatus(
    ref: string,
    { signal }: { readonly signal: AbortSignal },
  ): Promise<AttemptResponse<Response>> {
    const { client } = this;
    const response = client.checkStatus
      ? await client.checkStatus(ref, { signal })
      : await client.fetch(statusUrl(client.baseUrl, ref), {
          headers: await client.withAuth(credentialsOf(headersOf(this.input, this.init))),
          signal,
        });
    return afterReading(response, await response.text());
  }
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
  const { fetch: fetchOption, cancelOnTimeout = false, ...rest } = options;
  if (fetchOption !== undefined && typeof fetchOption !== 'function') {
    throw new TypeError('fetch must be a function');
  }
  if (typeof cancelOnTimeout !== 'boolean') {
    throw new TypeError('cancelOnTimeout must be a boolean');
  }
  const fetchImpl: typeof fetch = fetchOption ?? ((input, init) => globalThis.fetch(input, init));
  const { engine, baseUrl, checkStatus, auth } = resolveAdapterOptions<FetchStatusCheck>(rest);
  const client: FetchClient = {
    fetch: fetchImpl,
    baseUrl,
    checkStatus,
    auth,
    withAuth: async (headers) => {
      if (auth === undefined) return headers;
      const merged = new Headers(headers);
      for (const [name, value] of Object.entries(await auth.headers())) merged.set(name, value);
      return merged;
    },
  };
  const refreshAuth = auth === undefined ? undefined : () => auth.refresh();

  const isPortOne = portOneUrlMatcher(baseUrl);

  /**
   * Not an async function: a call that is no create hands back the engine's own promise, without
   * wrapping it in one more. Anything thrown on the way becomes a rejection all the same.
   */
  const portoneFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    try {
      return prepare(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const prepare = (input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> => {
    const url = urlOf(input);
    if (!isPortOne(url)) return fetchImpl(input, init);

    // A URL string (the usual input) is no Request: the instanceof check is for the rest.
    const requestInput =
      typeof input !== 'string' && typeof Request !== 'undefined' && input instanceof Request;
    const method = upperMethod(init?.method ?? (requestInput ? input.method : 'GET'));
    const kind = operationKindOf(method, url);
    const signal = init?.signal ?? (requestInput ? input.signal : undefined);
    // An attempt is handed its own signal only when something can cancel it: the caller's
    // signal, or `cancelOnTimeout`.
    const cancellable = cancelOnTimeout || (signal !== undefined && signal !== null);
    const request = replayable(input, init, requestInput);
    const operation = new FetchOperation(
      client,
      method,
      url,
      kind,
      input,
      init,
      request,
      cancellable,
    );
    if (signal) operation.signal = signal;
    if (refreshAuth !== undefined) operation.refreshAuth = refreshAuth;
    if (kind !== 'create') return engine.execute<Response>(operation);
    // A create is reconciled by the order ref its body carries: the body is read first.
    return request.text().then((text) => {
      const orderRef = orderRefOf(text);
      const channel = channelOf(text);
      if (orderRef !== undefined) operation.orderRef = orderRef;
      if (channel !== undefined) operation.channel = channel;
      return engine.execute<Response>(operation);
    });
  };
  return Object.assign(portoneFetch, { portone: engine });
}
