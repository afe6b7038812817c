import type { Engine } from '@portone-retry/core';
import {
  type AdapterOptions,
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
import axios, {
  type AxiosAdapter,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { redactAxiosError, redactedAxiosError } from './redact-axios-error.js';

declare module 'axios' {
  interface AxiosResponse {
    /** How a PortOne call through `withPortOne` was settled: answer, lookup, poll or webhook. */
    portone?: Settlement;
  }
}

/** A user's own status lookup: performs the request with any axios instance and returns its response. */
export type AxiosStatusCheck = (
  orderRef: string,
  context: { signal: AbortSignal },
) => Promise<AxiosResponse>;

/** Options of `withPortOne`. */
export type WithPortOneOptions = AdapterOptions<AxiosStatusCheck>;

/** The same axios instance, with the engine at `.portone`. */
export type PortOneAxiosInstance = AxiosInstance & { readonly portone: Engine };

const WRAPPED = Symbol.for('portone-retry.axios-wrapped');

/**
 * axios's own URL builder (base URL, path, params and their serializer), without defaults: the
 * adapter's config is merged with them already, and `axios.getUri` would merge them again (some
 * 15 µs, more than the rest of a call's work).
 */
const uriBuilder = new axios.Axios({});
const urlOf = (config: InternalAxiosRequestConfig): string =>
  uriBuilder.getUri({
    url: config.url,
    baseURL: config.baseURL,
    params: config.params,
    paramsSerializer: config.paramsSerializer,
    allowAbsoluteUrls: config.allowAbsoluteUrls,
  } as AxiosRequestConfig);
const acceptEveryStatus = (): boolean => true;

/** A body axios can send once only: a Node stream or a web ReadableStream. */
const isStream = (data: unknown): boolean =>
  (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) ||
  (typeof data === 'object' &&
    data !== null &&
    typeof (data as { pipe?: unknown }).pipe === 'function');

const attemptOf = (response: AxiosResponse): AttemptResponse<AxiosResponse> => ({
  httpStatus: response.status,
  headers: response.headers as Record<string, string>,
  // axios parses the answer after the adapter, for the caller; the engine reads its own copy.
  body: parseBody(response.data),
  raw: response,
});

/** axios's own code for an answer it would reject: 4xx is the request's fault, 5xx the server's. */
const codeOf = (status: number): string =>
  status >= 400 && status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE';

/**
 * Makes an axios instance safe to retry against PortOne: every call to PortOne's origin goes
 * through the engine (retries, polling, lookups), resolves with the final response (its
 * `portone` field says how it was settled), or rejects with a `PortOneError` whose `cause` is
 * the original AxiosError, redacted. The engine sits below the interceptors, so the user's
 * interceptors run once per call, and each attempt re-sends the same config. Calls to other
 * hosts pass through untouched.
 */
export function withPortOne(
  instance: AxiosInstance,
  options?: WithPortOneOptions | Engine,
): PortOneAxiosInstance {
  if (typeof instance !== 'function' || typeof instance.request !== 'function') {
    throw new TypeError('instance must be an axios instance');
  }
  if ((instance as unknown as Record<symbol, unknown>)[WRAPPED]) {
    throw new TypeError('instance is already wrapped by withPortOne');
  }
  const { engine, baseUrl, checkStatus, auth } = resolveAdapterOptions<AxiosStatusCheck>(
    options,
    instance.defaults.baseURL ?? undefined,
  );
  const inner: AxiosAdapter = axios.getAdapter(instance.defaults.adapter ?? axios.defaults.adapter);

  /** The config's headers with fresh credentials, when there is a token provider. */
  const headersFor = async (headers: AxiosHeaders): Promise<AxiosHeaders> =>
    auth === undefined
      ? headers
      : new AxiosHeaders(await withCredentials(auth, headers.toJSON() as Record<string, string>));

  /**
   * Sends a lookup through this instance's own adapter (`base`: the call's config, or the
   * instance's defaults), with the merchant's credentials only (a request's body headers would
   * lie about it) and its JSON body, if any.
   */
  const lookUp = async (
    base: object,
    request: { readonly method: string; readonly path: string; readonly body?: unknown },
    credentials: Record<string, string>,
    signal: AbortSignal,
  ): Promise<AttemptResponse<AxiosResponse>> => {
    const json = request.body === undefined ? {} : { 'content-type': 'application/json' };
    const config = {
      ...base,
      method: request.method.toLowerCase(),
      url: absoluteUrl(request.path, baseUrl),
      baseURL: '',
      params: undefined,
      data: request.body === undefined ? undefined : JSON.stringify(request.body),
      headers: new AxiosHeaders({
        accept: 'application/json',
        ...(await withCredentials(auth, credentials)),
        ...json,
      }),
      signal,
      timeout: 0,
      validateStatus: acceptEveryStatus,
    };
    try {
      return attemptOf(await inner(config as InternalAxiosRequestConfig));
    } catch (error) {
      throw redactAxiosError(error);
    }
  };

  // The reconciler settles journalled payments through this instance, with its credentials.
  registerLookupTransport(engine, async (request, { signal }) => {
    const path = { ...request, path: request.url };
    const { httpStatus, headers, body } = await lookUp(instance.defaults, path, {}, signal);
    return { httpStatus, headers, body };
  });

  const portoneAdapter: AxiosAdapter = async (config) => {
    const url = urlOf(config);
    if (!isPortOneUrl(url, baseUrl)) return inner(config);
    const { method, kind, name, orderRef, channel, lookup } = describeRequest(
      config.method ?? 'get',
      url,
      {
        body: config.data,
        headers: config.headers.toJSON() as Record<string, string>,
        declared: engine.policy.settings.operations,
      },
    );
    // The engine owns time and cancellation: axios must not replace its errors with its own.
    const callerSignal = (config.signal ?? undefined) as AbortSignal | undefined;
    (config as { signal?: unknown }).signal = undefined;

    const operation: Operation<AxiosResponse> = {
      method,
      url,
      kind,
      name,
      orderRef,
      channel,
      lookup,
      body: config.data,
      signal: callerSignal,
      notReplayable: isStream(config.data)
        ? 'the request body is a stream, which cannot be sent twice'
        : undefined,
      refreshAuth: auth === undefined ? undefined : () => auth.refresh(),
      policy: config.timeout ? { attemptTimeoutMs: config.timeout } : undefined,
      async send({ signal }) {
        const headers = await headersFor(config.headers);
        try {
          const attempt = {
            ...config,
            headers,
            signal,
            timeout: 0,
            validateStatus: acceptEveryStatus,
          };
          return attemptOf(await inner(attempt as InternalAxiosRequestConfig));
        } catch (error) {
          throw redactAxiosError(error);
        }
      },
      checkStatus:
        checkStatus === undefined
          ? undefined
          : async (ref, { signal }) => attemptOf(await checkStatus(ref, { signal })),
      sendLookup: (request, { signal }) =>
        lookUp(
          config,
          request,
          credentialsOf((header) => config.headers.get(header) ?? undefined),
          signal,
        ),
      causeOf({ raw }) {
        const message = `Request failed with status code ${raw.status}`;
        return redactedAxiosError(message, codeOf(raw.status), config, raw);
      },
      markSettled(raw, settlement) {
        raw.portone = settlement;
      },
      onFailure(error) {
        // axios runs its response transforms on a rejection's `response` (here, the redacted
        // answer): a JSON transform that throws (silentJSONParsing off) would replace the
        // PortOneError. The failed call's config keeps none.
        config.transformResponse = [];
        // axios lets a rejection marked as a cancel through as it is; an abort is exactly that.
        if (error.name === 'PortOneAbortError') {
          Object.defineProperty(error, '__CANCEL__', { value: true });
        }
      },
    };
    return engine.execute(operation);
  };

  instance.defaults.adapter = portoneAdapter;
  Object.defineProperty(instance, WRAPPED, { value: true });
  Object.defineProperty(instance, 'portone', { value: engine, enumerable: false });
  return instance as PortOneAxiosInstance;
}
