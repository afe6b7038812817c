import {
  type AbortTarget,
  type AdapterOptions,
  type AttemptContext,
  type AttemptResponse,
  type AttemptSink,
  channelOf,
  type Engine,
  type Operation,
  type OperationKind,
  operationKindOf,
  orderRefOf,
  type Policy,
  type PortOneError,
  portOneUrlMatcher,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
  statusUrl,
  upperMethod,
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
/** How many per-timeout policies an instance keeps before it starts over. */
const MAX_TIMEOUT_POLICIES = 16;
const acceptEveryStatus = (): boolean => true;

/** One of axios's own adapters, or undefined where the environment has none by that name. */
function builtInAdapter(name: string): AxiosAdapter | undefined {
  try {
    return axios.getAdapter(name);
  } catch {
    return undefined;
  }
}

/**
 * Leaves the config without a signal. (Set to undefined, not deleted: a delete would make the
 * config, which axios reads all through the request, a dictionary.)
 */
function dropSignal(config: InternalAxiosRequestConfig): void {
  (config as { signal?: unknown }).signal = undefined;
}

const firstOf = (transforms: unknown): unknown =>
  Array.isArray(transforms) ? transforms[0] : transforms;

/** axios's own first response transform, which parses JSON text (undefined if it has none). */
const AXIOS_PARSE: unknown = firstOf(axios.defaults.transformResponse);

/**
 * Whether axios itself would parse this response's text as JSON: its own transform comes first,
 * with no reviver, and the response type and `transitional` options ask for JSON, read as axios
 * reads them. Only then may the adapter parse it in axios's place.
 */
function axiosParsesJson(config: InternalAxiosRequestConfig | undefined): boolean {
  if (config === undefined || AXIOS_PARSE === undefined) return false;
  const own = config as InternalAxiosRequestConfig & { parseReviver?: unknown };
  if (firstOf(own.transformResponse) !== AXIOS_PARSE || own.parseReviver !== undefined) {
    return false;
  }
  if (own.responseType === 'json') return true;
  if (own.responseType) return false;
  return Boolean((own.transitional ?? axios.defaults.transitional)?.forcedJSONParsing);
}

/**
 * The attempt's answer for the engine. A JSON body axios would parse is parsed here, once, and
 * left parsed on the response: axios's own transform then keeps it as it is instead of parsing
 * it again. Anything else is left for axios (and the engine reads its own copy).
 */
const toAttempt = (response: AxiosResponse): AttemptResponse<AxiosResponse> => {
  if (
    typeof response.data === 'string' &&
    /^\s*[{[]/.test(response.data) &&
    axiosParsesJson(response.config)
  ) {
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

/**
 * The signal of one attempt, as axios reads a signal (`aborted`, `reason`, and an 'abort'
 * listener added and removed): the attempt forwards its abort here. axios's own adapters accept
 * such a signal; it costs a small object, where an AbortController per attempt, or axios's own
 * `timeout` (a socket timer with listeners of its own), cost microseconds on every call.
 */
class AttemptSignal implements AbortTarget {
  aborted = false;
  reason: unknown = undefined;
  private listeners: ((this: AttemptSignal, event: unknown) => void)[] | undefined;

  addEventListener(type: string, listener: (this: AttemptSignal, event: unknown) => void): void {
    if (type !== 'abort' || typeof listener !== 'function') return;
    if (this.listeners === undefined) this.listeners = [listener];
    else this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: (this: AttemptSignal, event: unknown) => void): void {
    const { listeners } = this;
    if (type !== 'abort' || listeners === undefined) return;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    // An event, as a DOM signal dispatches: axios's adapters then reject with their own cancel.
    const event = { type: 'abort', target: this };
    for (const listener of this.listeners?.splice(0) ?? []) {
      try {
        listener.call(this, event);
      } catch {
        // One listener's failure must not keep the others from the abort.
      }
    }
  }
}

/** What every call through one wrapped instance shares. */
interface AxiosClient {
  readonly inner: AxiosAdapter;
  /** Whether `inner` is one of axios's own adapters, which take an `AttemptSignal`. */
  readonly takesAttemptSignal: boolean;
  readonly baseUrl: string;
  readonly checkStatus: AxiosStatusCheck | undefined;
  readonly auth: ResolvedAdapterOptions<AxiosStatusCheck>['auth'];
}

/** The merchant's credentials, copied to the status lookups of a call. */
const AUTH_HEADERS = ['authorization', 'x-portone-client-key'];

/** A copy of the headers with fresh credentials from the token provider, when there is one. */
async function withAuth(client: AxiosClient, headers: AxiosHeaders): Promise<AxiosHeaders> {
  if (client.auth === undefined) return headers;
  const merged = AxiosHeaders.from(headers.toJSON() as Record<string, string>);
  for (const [name, value] of Object.entries(await client.auth.headers())) merged.set(name, value);
  return merged;
}

/**
 * One call, as the engine runs it. A class, not an object of closures: its methods live on the
 * prototype, so a call allocates one object for them. Its fields are assigned in the constructor,
 * not declared with values, so making one runs one function.
 */
class AxiosOperation implements Operation<AxiosResponse> {
  declare orderRef: string | undefined;
  declare channel: string | undefined;
  /** The caller's own signal, taken off the config: the engine owns cancellation. */
  declare readonly signal: AbortSignal | undefined;
  declare policy: Policy | undefined;
  declare refreshAuth: (() => Promise<void>) | undefined;
  declare readonly method: string;
  declare readonly url: string;
  declare readonly kind: OperationKind;
  declare private readonly client: AxiosClient;
  declare private readonly config: InternalAxiosRequestConfig;
  declare private readonly callerHeaders: InternalAxiosRequestConfig['headers'];

  constructor(
    client: AxiosClient,
    method: string,
    url: string,
    kind: OperationKind,
    config: InternalAxiosRequestConfig,
    callerSignal: AbortSignal | undefined,
  ) {
    this.client = client;
    this.method = method;
    this.url = url;
    this.kind = kind;
    this.config = config;
    this.callerHeaders = config.headers;
    this.orderRef = undefined;
    this.channel = undefined;
    this.signal = callerSignal;
    this.policy = undefined;
    this.refreshAuth = undefined;
  }

  send(attempt: AttemptContext): Promise<AttemptResponse<AxiosResponse>> {
    return this.exchange(attempt, undefined) as Promise<AttemptResponse<AxiosResponse>>;
  }

  /** The first attempt of a call: its outcome goes straight to the engine's sink. */
  sendTo(attempt: AttemptContext, sink: AttemptSink<AxiosResponse>): void {
    void this.exchange(attempt, sink);
  }

  /**
   * One attempt. Its answer is returned, or handed to `sink` when there is one, and so is its
   * error, redacted (the engine's sink never throws, so the promise then always fulfils).
   */
  private async exchange(
    attempt: AttemptContext,
    sink: AttemptSink<AxiosResponse> | undefined,
  ): Promise<AttemptResponse<AxiosResponse> | undefined> {
    let answer: AttemptResponse<AxiosResponse>;
    try {
      const { client, callerHeaders } = this;
      const headers =
        client.auth === undefined ? callerHeaders : await withAuth(client, callerHeaders);
      answer = toAttempt(await client.inner(this.attemptConfig(attempt, headers)));
    } catch (error) {
      const redacted = redactAxiosError(error);
      if (sink === undefined) throw redacted;
      sink.fail(redacted);
      return undefined;
    }
    if (sink === undefined) return answer;
    sink.answer(answer);
    return undefined;
  }

  /**
   * The config of one attempt. It is the call's own config, set for the attempt in place: axios
   * made it for this call alone, its adapters only read it, and copying it per attempt costs
   * more than the rest of the adapter. The engine times the attempt and aborts it (its timeout,
   * the caller's signal, the deadline); axios's own adapters are cancelled through an
   * `AttemptSignal`, the cheapest way. An adapter of the user's own gets the attempt's
   * AbortSignal when the caller gave one, else axios's timeout (it may expect a real
   * AbortSignal, and may ignore both: the engine settles the attempt at once all the same).
   */
  private attemptConfig(
    attempt: AttemptContext,
    headers: InternalAxiosRequestConfig['headers'],
  ): InternalAxiosRequestConfig {
    const { config } = this;
    config.headers = headers;
    if (this.client.takesAttemptSignal) {
      const signal = new AttemptSignal();
      attempt.forwardAbortTo(signal);
      config.signal = signal;
      config.timeout = 0;
    } else if (this.signal === undefined) {
      config.timeout = attempt.timeoutMs;
    } else {
      config.signal = attempt.signal;
      config.timeout = 0;
    }
    return config;
  }

  async checkStatus(
    ref: string,
    { signal }: { readonly signal: AbortSignal },
  ): Promise<AttemptResponse<AxiosResponse>> {
    const { client, config } = this;
    // No attempt runs while the payment is looked up, and the lookup's answer may end the call:
    // axios must not find the last attempt's aborted signal on the config (see `onFailure`).
    dropSignal(config);
    if (client.checkStatus) return toAttempt(await client.checkStatus(ref, { signal }));
    // A lookup carries only the merchant's credentials: the create's body headers would lie.
    const credentials = new AxiosHeaders({ accept: 'application/json' });
    for (const name of AUTH_HEADERS) {
      const value = config.headers.get(name);
      if (value !== undefined && value !== null) credentials.set(name, value as string);
    }
    return toAttempt(
      await client.inner({
        ...config,
        method: 'get',
        url: statusUrl(client.baseUrl, ref),
        baseURL: '',
        headers: await withAuth(client, credentials),
        data: undefined,
        params: undefined,
        signal,
        timeout: 0,
        validateStatus: acceptEveryStatus,
      } as InternalAxiosRequestConfig),
    );
  }

  /**
   * axios treats a rejection marked as a cancel as final; an abort is exactly that. Any other
   * rejection axios checks against the config's signal first, and would replace with its own
   * cancel error if it found the last attempt's signal aborted (an attempt that timed out): the
   * call is over, so the config keeps no signal.
   */
  onFailure(error: PortOneError): void {
    dropSignal(this.config);
    if (error.name === 'PortOneAbortError') {
      Object.defineProperty(error, '__CANCEL__', { value: true });
    }
  }

  causeOf({ raw }: AttemptResponse<AxiosResponse>): unknown {
    return redactedAxiosError(
      `Request failed with status code ${raw.status}`,
      'ERR_BAD_RESPONSE',
      this.config,
      raw,
    );
  }
}

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
  const takesAttemptSignal = inner === builtInAdapter('http') || inner === builtInAdapter('xhr');
  const client: AxiosClient = { inner, takesAttemptSignal, baseUrl, checkStatus, auth };
  const refreshAuth = auth === undefined ? undefined : () => auth.refresh();

  const isPortOne = portOneUrlMatcher(baseUrl);

  /**
   * The engine's policy with an axios `timeout` as the per-attempt timeout, made once per value:
   * an instance has one or two timeouts, and building a policy on every call costs microseconds.
   */
  const timeoutPolicies = new Map<unknown, Policy>();
  const policyFor = (timeout: unknown): Policy => {
    let policy = timeoutPolicies.get(timeout);
    if (policy === undefined) {
      policy = engine.policy.with({ attemptTimeoutMs: timeout as number });
      if (timeoutPolicies.size >= MAX_TIMEOUT_POLICIES) timeoutPolicies.clear();
      timeoutPolicies.set(timeout, policy);
    }
    return policy;
  };

  /**
   * Not an async function: a PortOne call hands back the engine's own promise (every promise a
   * call waits through is paid on every call; the cancel mark is set by the operation's
   * `onFailure`). Anything thrown on the way becomes a rejection all the same.
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

    const method = upperMethod(config.method ?? 'get');
    const kind = operationKindOf(method, url);
    const orderRef = kind === 'create' ? orderRefOf(config.data) : undefined;
    const channel = kind === 'create' ? channelOf(config.data) : undefined;
    // A `signal: null` on the config is no signal.
    const callerSignal = (config.signal ?? undefined) as AbortSignal | undefined;
    // The engine owns time and cancellation; axios must not replace its errors with its own.
    if (callerSignal !== undefined) dropSignal(config);
    // Every answer goes to the engine, which decides what is an error.
    config.validateStatus = acceptEveryStatus;
    const operation = new AxiosOperation(client, method, url, kind, config, callerSignal);
    if (orderRef !== undefined) operation.orderRef = orderRef;
    if (channel !== undefined) operation.channel = channel;
    if (config.timeout) operation.policy = policyFor(config.timeout);
    if (refreshAuth !== undefined) operation.refreshAuth = refreshAuth;
    return engine.execute<AxiosResponse>(operation);
  };

  instance.defaults.adapter = portoneAdapter;
  Object.defineProperty(instance, WRAPPED, { value: true });
  Object.defineProperty(instance, 'portone', { value: engine, enumerable: false });
  return instance as PortOneAxiosInstance;
}
