import type { Engine } from '@portone-retry/core';
import {
  type AdapterOptions,
  type AttemptContext,
  type AttemptResponse,
  absoluteUrl,
  credentialsOf,
  describeRequest,
  isPortOneUrl,
  type Operation,
  parseBody,
  registerLookupTransport,
  resolveAdapterOptions,
  type Settlement,
  withCredentials,
} from '@portone-retry/core/adapter';

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

/** The final Response of a PortOne call, with how the call was settled. */
export type PortOneResponse = Response & {
  /** What settled the call (PortOne's answer, a lookup, a poll or a webhook), the refs and status. */
  readonly portone?: Settlement;
};

/** `fetch`, made safe to retry against PortOne, with the engine at `.portone`. */
export type PortOneFetch = ((
  input: RequestInfo | URL,
  init?: RequestInit,
) => Promise<PortOneResponse>) & {
  readonly portone: Engine;
};

/** Statuses whose Response has no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * An attempt's answer: the body read once, parsed for the engine, and a real Response rebuilt
 * from it for the caller (status, headers, URL), its body unread.
 */
async function readAnswer(response: Response): Promise<AttemptResponse<Response>> {
  const text = await response.text();
  const status = response.status;
  const rebuilt = new Response(NULL_BODY.has(status) ? null : text, {
    status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(rebuilt, 'url', { value: response.url });
  Object.defineProperty(rebuilt, 'redirected', { value: response.redirected });
  return { httpStatus: status, headers: response.headers, body: parseBody(text), raw: rebuilt };
}

const isStream = (body: unknown): boolean =>
  typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/** A call's request as every attempt sends it again, and as the engine reads it. */
interface Prepared {
  /** Upper case. */
  readonly method: string;
  readonly headers: Headers;
  /** The init each attempt sends, its signal added (empty with a template). */
  readonly init: RequestInit;
  /** Sent as a clone on each attempt: a Request input, or a body that is not plain text. */
  readonly template: Request | undefined;
  /** The body as text (a FormData as it is), for the order ref; undefined for a stream. */
  readonly body: unknown;
  readonly oneShot: boolean;
}

/**
 * Reads what the engine needs from `input` and `init` once. A URL with no body, a string or
 * URLSearchParams is sent with the same init on every attempt. Anything else (a Request, a
 * FormData, Blob or buffer body) becomes a Request template, cloned for each attempt, so every
 * attempt sends the same bytes. Invalid headers, or a body on a GET, reject here with fetch's
 * own TypeError, before anything is sent.
 */
async function prepare(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  url: string,
): Promise<Prepared> {
  const given = init?.body ?? undefined;
  const oneShot = isStream(given);
  const plain =
    given === undefined || typeof given === 'string' || given instanceof URLSearchParams;
  if (plain && (typeof input === 'string' || input instanceof URL)) {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (given !== undefined && (method === 'GET' || method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    return {
      method,
      headers: new Headers(init?.headers),
      init: { ...init, signal: null },
      template: undefined,
      body: given === undefined ? undefined : String(given),
      oneShot: false,
    };
  }
  // The template follows no signal: the engine follows the caller's, and hands each attempt the call's.
  const own = { ...init, signal: null, ...(oneShot ? { duplex: 'half' } : {}) } as RequestInit;
  const template = new Request(
    typeof input === 'object' && !(input instanceof URL) ? input : url,
    own,
  );
  const method = template.method;
  const readable = !oneShot && method !== 'GET' && method !== 'HEAD';
  const form = typeof FormData !== 'undefined' && given instanceof FormData;
  return {
    method,
    headers: template.headers,
    init: {},
    template,
    // A multipart body is read for its fields from the FormData itself.
    body: form ? given : readable ? await template.clone().text() : undefined,
    oneShot,
  };
}

/**
 * Wraps a WHATWG `fetch` so every PortOne call goes through the engine: retries, polling,
 * lookups and typed errors. Resolves with the final `Response`, body unread; rejects with a
 * `PortOneError`. A path (`/api/initiatePayment`) is resolved against `baseUrl`; other origins
 * pass through untouched. Runs on any runtime with fetch.
 */
export function createPortOneFetch(options: PortOneFetchOptions = {}): PortOneFetch {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('options must be an object of PortOne fetch options');
  }
  const { fetch: given, ...rest } = options;
  if (given !== undefined && typeof given !== 'function') {
    throw new TypeError('fetch must be a function');
  }
  // The runtime's fetch is looked up on each call (it may be installed after the adapter).
  const send: typeof fetch = given ?? ((input, init) => globalThis.fetch(input, init));
  const { engine, baseUrl, checkStatus, auth } = resolveAdapterOptions<FetchStatusCheck>(rest);

  // The reconciler settles journalled payments through this client, with its credentials.
  registerLookupTransport(engine, async (request, { signal }) => {
    const json = request.body === undefined ? {} : { 'content-type': 'application/json' };
    const headers = await withCredentials(auth, { accept: 'application/json', ...json });
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const init = {
      method: request.method,
      headers,
      signal,
      ...(body === undefined ? {} : { body }),
    };
    const {
      httpStatus,
      headers: answered,
      body: read,
    } = await readAnswer(await send(absoluteUrl(request.url, baseUrl), init));
    return { httpStatus, headers: answered, body: read };
  });

  const portoneFetch = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<PortOneResponse> => {
    const given = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    const url = absoluteUrl(given, baseUrl);
    if (!isPortOneUrl(url, baseUrl)) return send(input, init);

    const prepared = await prepare(input, init, url);
    const { method, headers, body } = prepared;
    const { kind, name, orderRef, channel, lookup } = describeRequest(method, url, {
      body,
      headers,
      declared: engine.policy.settings.operations,
    });

    const operation: Operation<Response> = {
      method,
      url,
      kind,
      name,
      orderRef,
      channel,
      lookup,
      body,
      signal: init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined,
      notReplayable: prepared.oneShot
        ? 'the request body is a one-shot ReadableStream, which cannot be sent twice'
        : undefined,
      refreshAuth: auth === undefined ? undefined : () => auth.refresh(),
      async send({ signal }: AttemptContext) {
        const fresh =
          auth === undefined ? undefined : await withCredentials(auth, Object.fromEntries(headers));
        const attempt = {
          ...prepared.init,
          signal,
          ...(fresh === undefined ? {} : { headers: fresh }),
        };
        return readAnswer(await send(prepared.template?.clone() ?? url, attempt));
      },
      checkStatus:
        checkStatus === undefined
          ? undefined
          : async (ref, { signal }) => readAnswer(await checkStatus(ref, { signal })),
      // A lookup carries only the merchant's credentials: the request's body headers would lie.
      async sendLookup(request, { signal }) {
        const credentials = credentialsOf((header) => headers.get(header) ?? undefined);
        const lookupHeaders = await withCredentials(auth, {
          ...credentials,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        });
        const body = request.body === undefined ? undefined : JSON.stringify(request.body);
        const init = {
          method: request.method,
          headers: lookupHeaders,
          signal,
          ...(body === undefined ? {} : { body }),
        };
        return readAnswer(await send(absoluteUrl(request.path, baseUrl), init));
      },
      markSettled(raw, settlement) {
        Object.defineProperty(raw, 'portone', { value: settlement, enumerable: true });
      },
    };
    return engine.execute(operation);
  };
  return Object.assign(portoneFetch, { portone: engine });
}
