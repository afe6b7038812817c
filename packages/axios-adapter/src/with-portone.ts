import {
  type AdapterOptions,
  type AttemptResponse,
  channelOf,
  type Engine,
  isPortOneError,
  type Operation,
  operationKindOf,
  orderRefOf,
  portOneUrlMatcher,
  resolveAdapterOptions,
  type StatusCheck,
  statusUrl,
} from '@portone-retry/core';
import axios, {
  type AxiosAdapter,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { redactAxiosError, redactedAxiosError } from './redact-axios-error.js';
import { requestUrl } from './request-url.js';

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
const acceptEveryStatus = (): boolean => true;

/**
 * The attempt's answer for the engine. A JSON body is parsed here, once, and left parsed on the
 * response: axios's own transformResponse then keeps it as it is instead of parsing it again.
 */
const toAttempt = (response: AxiosResponse): AttemptResponse<AxiosResponse> => {
  const wantsJson =
    response.config?.responseType === undefined || response.config.responseType === 'json';
  if (wantsJson && typeof response.data === 'string' && /^\s*[{[]/.test(response.data)) {
    try {
      response.data = JSON.parse(response.data);
    } catch {
      // Not JSON after all (a truncated body): classify the text.
    }
  }
  return {
    httpStatus: response.status,
    headers: response.headers as Record<string, string>,
    body: response.data,
    raw: response,
  };
};

/** axios treats a rejection marked as a cancel as final; an abort is exactly that. */
function markCancel(error: unknown): never {
  if (isPortOneError(error) && error.name === 'PortOneAbortError') {
    Object.defineProperty(error, '__CANCEL__', { value: true });
  }
  throw error;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Makes an axios instance safe to retry against PortOne: every call to PortOne's origin goes
 * through the engine (retries, polling, reconciliation), resolves with the final response, or
 * rejects with a `PortOneError` whose `cause` is the original AxiosError, redacted. The engine
 * sits below the interceptors, so the user's interceptors run once per call, and each retry
 * re-sends the identical config. Calls to other hosts pass through untouched.
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
  const defaultBase = instance.defaults.baseURL ?? undefined;
  const { engine, baseUrl, checkStatus, auth } = resolveAdapterOptions<AxiosStatusCheck>(
    options,
    defaultBase,
  );
  const inner: AxiosAdapter = axios.getAdapter(instance.defaults.adapter ?? axios.defaults.adapter);

  const isPortOne = portOneUrlMatcher(baseUrl);

  /**
   * Not an async function: a PortOne call hands back the engine's promise, with only the cancel
   * mark added on the way (every promise a call waits through is paid on every call). Anything
   * thrown on the way becomes a rejection all the same.
   */
  const portoneAdapter: AxiosAdapter = (config) => {
    try {
      return prepare(config);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const prepare = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const url = requestUrl(config);
    if (!isPortOne(url)) return inner(config);

    const method = (config.method ?? 'get').toUpperCase();
    const kind = operationKindOf(method, url);
    const orderRef = kind === 'create' ? orderRefOf(config.data) : undefined;
    const channel = kind === 'create' ? channelOf(config.data) : undefined;
    const callerSignal = config.signal as AbortSignal | undefined;
    // The engine owns time and cancellation; axios must not replace its errors with its own.
    delete config.signal;
    // Every answer goes to the engine, which decides what is an error.
    config.validateStatus = acceptEveryStatus;
    const callerHeaders = config.headers;
    /**
     * The config of one attempt. It is the call's own config, set for the attempt in place: axios
     * made it for this call alone, its adapters only read it, and copying it per attempt costs
     * more than the rest of the adapter. With a caller's signal the attempt is cancelled through
     * the engine's signal; without one, axios's own timeout bounds the attempt and the engine
     * settles it at once when it must stop (cheaper: no AbortSignal on the hot path).
     */
    const attemptConfig = (
      attempt: { readonly signal: AbortSignal; readonly timeoutMs: number },
      headers: InternalAxiosRequestConfig['headers'],
    ): InternalAxiosRequestConfig => {
      config.headers = headers;
      if (callerSignal === undefined) {
        config.timeout = attempt.timeoutMs;
      } else {
        config.signal = attempt.signal;
        config.timeout = 0;
      }
      return config;
    };
    // A lookup carries only the merchant's credentials: the create's body headers would lie.
    // Built when a lookup happens, which most calls never need.
    const lookupHeaders = () => {
      const headers = new AxiosHeaders({ accept: 'application/json' });
      for (const name of ['authorization', 'x-portone-client-key']) {
        const value = config.headers.get(name);
        if (value !== undefined && value !== null) headers.set(name, value as string);
      }
      return headers;
    };
    /** A copy of the headers with fresh credentials from the token provider, when there is one. */
    const withAuth = async (headers: AxiosHeaders): Promise<AxiosHeaders> => {
      if (auth === undefined) return headers;
      const merged = AxiosHeaders.from(headers.toJSON() as Record<string, string>);
      for (const [name, value] of Object.entries(await auth.headers())) merged.set(name, value);
      return merged;
    };
    const lookup: StatusCheck<AxiosResponse> = async (ref, { signal }) =>
      toAttempt(
        checkStatus
          ? await checkStatus(ref, { signal })
          : await inner({
              ...config,
              method: 'get',
              url: statusUrl(baseUrl, ref),
              baseURL: '',
              headers: await withAuth(lookupHeaders()),
              data: undefined,
              params: undefined,
              signal,
              timeout: 0,
              validateStatus: acceptEveryStatus,
            } as InternalAxiosRequestConfig),
      );

    const operation: Mutable<Operation<AxiosResponse>> = {
      method,
      url,
      kind,
      checkStatus: lookup,
      send: async (attempt) => {
        try {
          const headers = auth === undefined ? callerHeaders : await withAuth(callerHeaders);
          return toAttempt(await inner(attemptConfig(attempt, headers)));
        } catch (error) {
          throw redactAxiosError(error);
        }
      },
      causeOf: ({ raw }) =>
        redactedAxiosError(
          `Request failed with status code ${raw.status}`,
          'ERR_BAD_RESPONSE',
          config,
          raw,
        ),
    };
    if (orderRef !== undefined) operation.orderRef = orderRef;
    if (channel !== undefined) operation.channel = channel;
    if (callerSignal) operation.signal = callerSignal;
    if (config.timeout) operation.policy = { attemptTimeoutMs: config.timeout };
    if (auth !== undefined) operation.refreshAuth = () => auth.refresh();
    return engine.execute<AxiosResponse>(operation).catch(markCancel);
  };

  instance.defaults.adapter = portoneAdapter;
  Object.defineProperty(instance, WRAPPED, { value: true });
  Object.defineProperty(instance, 'portone', { value: engine, enumerable: false });
  return instance as PortOneAxiosInstance;
}
