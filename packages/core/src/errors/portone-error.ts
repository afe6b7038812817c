import { markRedacted, redact, redactError, redactText, redactUrl } from '../redact.js';
import type { ErrorSeries, Outcome } from '../types.js';

const BRAND = Symbol.for('portone-retry.error');
/** On each SDK class's prototype: the class's name, the same in every copy of the package. */
const CLASS = Symbol.for('portone-retry.error-class');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Everything a `PortOneError` is built from. The factory fills it from a classification. */
export interface PortOneErrorInit {
  message: string;
  series: ErrorSeries;
  outcome: Outcome;
  attempts: number;
  code?: number | undefined;
  status?: string | undefined;
  httpStatus?: number | undefined;
  orderRef?: string | undefined;
  requestId?: string | undefined;
  customerMessage?: string | undefined;
  response?: unknown;
  method?: string | undefined;
  url?: string | undefined;
  cause?: unknown;
  /** True when PortOne may have acted on the request although no answer says so. */
  ambiguous?: boolean | undefined;
}

/**
 * The base of every error the SDK throws. Fields are plain data, already redacted, so the error
 * can be logged whole. `isPortOneError()` recognises it across realms and package copies.
 */
export class PortOneError extends Error {
  /**
   * `instanceof` that also holds across copies of the package (an app that imports core as ESM
   * while a dependency requires it as CommonJS gets two copies of every class). An error from
   * another copy matches when it carries the brand and its class chain has a class of the same
   * SDK name: a `PortOneCardError` from either copy is `instanceof PortOneCardError` and
   * `instanceof PortOneError`, and never `instanceof PortOneSystemError`. Your own subclasses
   * keep the plain prototype check.
   */
  static override [Symbol.hasInstance]<T>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof
    return isInstance(this, value);
  }

  override name: string = 'PortOneError';
  /** PortOne's numeric status code (e.g. `6014`), when the answer carried one. */
  readonly code: number | undefined;
  /** PortOne's status string (e.g. `INVALID_CARD_DECLINED_ERROR`). */
  readonly status: string | undefined;
  /** The series of `code`, or `transport` when no answer was read. */
  readonly series: ErrorSeries;
  /** What the policy decided for this answer. */
  readonly outcome: Outcome;
  /** HTTP status of the last answer, when there was one. */
  readonly httpStatus: number | undefined;
  /** Whether the policy considered the failure retryable (it may have run out of retries). */
  readonly retryable: boolean;
  /** How many attempts were made before the SDK gave up. */
  readonly attempts: number;
  /** The merchant order ref of the request, to reconcile the payment later. */
  readonly orderRef: string | undefined;
  /** A request id from the answer's headers, for PortOne support. */
  readonly requestId: string | undefined;
  /** A sentence safe to show the customer (card declines and customer-actionable codes). */
  readonly customerMessage: string | undefined;
  /** The last answer, redacted: its HTTP status and body (shaped like an AxiosError's `response`). */
  readonly response: { status: number | undefined; data: unknown } | undefined;
  /** HTTP method of the request. */
  readonly method: string | undefined;
  /** URL of the request, redacted. */
  readonly url: string | undefined;
  /**
   * True when PortOne may have acted on the request although no answer says so (a reset or a
   * timeout after it left, a money move no lookup could settle): look it up by `orderRef` before
   * sending it again.
   */
  readonly ambiguous: boolean;

  /**
   * Every part is redacted here, the `cause` included: whatever attached it (a transport, a token
   * provider, a user's `checkStatus`), it is kept as a redacted copy (see `redactError`) unless
   * it was already one.
   */
  constructor(init: PortOneErrorInit) {
    super(
      redactText(init.message),
      init.cause === undefined ? undefined : { cause: redactError(init.cause) },
    );
    this.code = init.code;
    // The status string comes from the answer's body, so it is treated as untrusted text.
    this.status = init.status === undefined ? undefined : redactText(init.status);
    this.series = init.series;
    this.outcome = init.outcome;
    this.httpStatus = init.httpStatus;
    this.retryable = init.outcome === 'retry';
    this.attempts = init.attempts;
    this.orderRef = init.orderRef;
    this.requestId = init.requestId;
    this.customerMessage = init.customerMessage;
    this.response =
      init.response === undefined
        ? undefined
        : { status: init.httpStatus, data: redact(init.response) };
    this.method = init.method;
    this.url = init.url === undefined ? undefined : redactUrl(init.url);
    this.ambiguous = init.ambiguous ?? false;
    // Already safe as a whole: a PortOneError kept as another's cause is not copied again.
    markRedacted(this);
  }

  /** A plain, redacted summary for logs: no secrets, no raw request config. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      series: this.series,
      outcome: this.outcome,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      attempts: this.attempts,
      orderRef: this.orderRef,
      requestId: this.requestId,
      customerMessage: this.customerMessage,
      method: this.method,
      url: this.url,
      response: this.response,
      ...(this.ambiguous ? { ambiguous: true } : {}),
      ...this.extraJSON(),
    };
    if (this.cause !== undefined) json.cause = redact(summariseCause(this.cause));
    for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
    return json;
  }

  /** Subclass fields added to `toJSON()`. */
  protected extraJSON(): Record<string, unknown> {
    return {};
  }

  /**
   * `util.inspect` (and so `console.log`) prints the stack and the redacted summary, never the raw
   * cause: an AxiosError cause would otherwise print its request config, headers included.
   */
  [INSPECT](): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const head = redactText(this.stack ?? `${this.name}: ${this.message}`);
    try {
      return `${head} ${JSON.stringify(fields, null, 2)}`;
    } catch {
      return head;
    }
  }
}

/**
 * The cause as `{ name, message, code? }`. Read defensively: the cause may come from another
 * realm (no `instanceof Error`) or have getters that throw, and `toJSON()` must not throw.
 */
function summariseCause(cause: unknown): unknown {
  if (cause === null || (typeof cause !== 'object' && typeof cause !== 'function')) {
    return typeof cause === 'symbol' ? cause.toString() : String(cause);
  }
  const read = (name: string): unknown => {
    try {
      return (cause as Record<string, unknown>)[name];
    } catch {
      return undefined;
    }
  };
  const name = read('name');
  const message = read('message');
  const code = read('code');
  if (typeof name !== 'string' && typeof message !== 'string') return '[object]';
  return {
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : '',
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
  };
}

Object.defineProperty(PortOneError.prototype, BRAND, { value: true });
brandErrorClass(PortOneError, 'PortOneError');

/** The prototype check, else the brand and the SDK class name (see `PortOneError[Symbol.hasInstance]`). */
function isInstance(Class: abstract new (...args: never[]) => unknown, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(Class, value)) return true;
  if (!isPortOneError(value)) return false;
  const prototype = Class.prototype as Record<symbol, unknown>;
  // Only the SDK's own classes are named; a user's subclass keeps the plain prototype check.
  if (!Object.hasOwn(prototype, CLASS)) return false;
  for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, CLASS) && p[CLASS] === prototype[CLASS]) return true;
  }
  return false;
}

/**
 * Names an SDK error class for cross-copy `instanceof`. The name is given, not read from
 * `constructor.name`, so a minifier that renames classes cannot break it.
 */
export function brandErrorClass(
  Class: abstract new (...args: never[]) => PortOneError,
  name: string,
): void {
  Object.defineProperty(Class.prototype, CLASS, { value: name });
}

/** True for any error of this SDK, across realms and duplicate copies of the package. */
export function isPortOneError(value: unknown): value is PortOneError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}
