import { lookupCode, parseCode, seriesOf } from '../catalogue/index.js';
import type { Classification, ErrorSeries, TransportFailure } from '../types.js';
import { type Envelope, parseBody, readEnvelope } from './envelope.js';
import { headerOf, parseRetryAfter } from './retry-after.js';
import { transportFailureOf } from './transport.js';

/** An answer that was read: HTTP status, headers and the body (parsed object or raw text). */
export interface ResponseInput {
  readonly httpStatus?: number | undefined;
  readonly headers?: Headers | Readonly<Record<string, string | string[] | undefined>> | undefined;
  readonly body?: unknown;
  /** The clock for an HTTP-date Retry-After; defaults to `Date.now()`. */
  readonly now?: number | undefined;
}

/** A request that produced no answer: the error the client threw. */
export interface ErrorInput {
  readonly error: unknown;
}

export type ClassifyInput = ResponseInput | ErrorInput;

const isPortOneCode = (code: number | undefined): code is number =>
  code !== undefined && code >= 1000 && code <= 8999;

function transportClassification(transport: TransportFailure): Classification {
  return {
    kind: 'transport',
    series: 'transport',
    transport,
    ambiguous: transport === 'ambiguous' || transport === 'timeout',
  };
}

/** The series of an answer that carries no PortOne code, from its HTTP status alone. */
function seriesOfHttp(httpStatus: number): ErrorSeries {
  if (httpStatus >= 500 || httpStatus === 429 || httpStatus === 408) return 'system';
  if (httpStatus >= 400) return 'validation';
  return 'unknown';
}

/**
 * Whether a 5xx without a PortOne code may hide a processed request. A proxy's 500/502/503/504
 * (or a CDN's 52x) can arrive after PortOne already acted, so it is ambiguous. 501 and 505 say
 * the server never handled the request at all. 4xx and 429 are answers given before processing.
 */
function mayHaveBeenProcessed(httpStatus: number): boolean {
  return httpStatus >= 500 && httpStatus !== 501 && httpStatus !== 505;
}

function classifyResponse(input: ResponseInput): Classification {
  const httpStatus =
    typeof input.httpStatus === 'number' && Number.isFinite(input.httpStatus)
      ? input.httpStatus
      : undefined;
  const body = parseBody(input.body);
  const envelope = readEnvelope(body);
  const parsedCode = parseCode(envelope?.statusCode);
  const code = isPortOneCode(parsedCode) ? parsedCode : undefined;
  const info = code === undefined ? undefined : lookupCode(code, envelope?.statusReason);
  const status = envelope?.statusReason ?? info?.status;

  const [kind, series, ambiguous] = verdictOf(httpStatus, body, envelope, parsedCode, code);
  // Built by assignment, not spreads, and with no closure: this runs on every answer.
  const c: { -readonly [K in keyof Classification]: Classification[K] } = {
    kind,
    series,
    ambiguous,
  };
  if (code !== undefined) c.code = code;
  if (status !== undefined) c.status = status;
  if (envelope?.message !== undefined) c.message = envelope.message;
  if (info !== undefined) c.info = info;
  if (httpStatus !== undefined) c.httpStatus = httpStatus;
  // Only a failure or a pending answer is waited on, so only theirs needs the header read.
  if (kind !== 'success') {
    const retryAfterMs = parseRetryAfter(headerOf(input.headers, 'retry-after'), input.now);
    if (retryAfterMs !== undefined) c.retryAfterMs = retryAfterMs;
  }
  if (envelope?.paymentStatus !== undefined) c.paymentStatus = envelope.paymentStatus;
  if (envelope?.orderRef !== undefined) c.orderRef = envelope.orderRef;
  if (body !== undefined) c.body = body;
  return c;
}

type Verdict = readonly [Classification['kind'], ErrorSeries, boolean];

/** What an answer is: its kind, its series, and whether it may hide a processed request. */
function verdictOf(
  httpStatus: number | undefined,
  body: unknown,
  envelope: Envelope | undefined,
  parsedCode: number | undefined,
  code: number | undefined,
): Verdict {
  // A code beyond PortOne's series (9000+, or 600–999, or under 100) is not an HTTP-like code
  // either: it is an answer nobody documented, and fails as unknown.
  if (parsedCode !== undefined && code === undefined && (parsedCode < 100 || parsedCode >= 600)) {
    return ['error', 'unknown', false];
  }

  // A PortOne code decides, whatever the HTTP status says (errors also come with 2xx).
  if (code !== undefined) {
    const series = seriesOf(code);
    if (series === 'pending' || envelope?.paymentStatus === 'Pending') {
      return ['pending', series, false];
    }
    if (series === 'success') return SUCCESS;
    return ['error', series, false];
  }

  // A status answer without a code still says "Pending" in content.status.
  if (envelope?.paymentStatus === 'Pending') return ['pending', 'pending', false];

  const ok = httpStatus === undefined || (httpStatus >= 200 && httpStatus < 300);
  if (ok) {
    // `is_success: false` (or "false") with no code: PortOne said no, without saying why.
    if (envelope?.isSuccess === false) return ['error', 'unknown', false];
    // Subscription answers carry HTTP-like codes ("400") in status_code.
    if (parsedCode !== undefined && parsedCode >= 400 && parsedCode < 600) {
      return ['error', seriesOfHttp(parsedCode), false];
    }
    if (httpStatus === undefined && body === undefined) return ['error', 'unknown', true];
    // A 2xx with nothing that says otherwise (a refund's bare answer, is_success true, "200").
    return SUCCESS;
  }

  // No code: the answer came from a proxy or a server in trouble.
  return ['error', seriesOfHttp(httpStatus), mayHaveBeenProcessed(httpStatus)];
}

const SUCCESS: Verdict = ['success', 'success', false];

/**
 * Whether an answer is a plain success, told from two fields: a 2xx whose parsed body says
 * `status_code` 2000 (string or number, as PortOne sends it) and whose `content.status`, if any,
 * is a terminal payment status spelled as PortOne spells it. Every answer it accepts, `classify`
 * calls a success; anything less plain (a pending payment, a code in another shape, text, an
 * exotic object) gets `false`, and goes through `classify` in full. The engine asks it first on a
 * call's first answer, where nothing but "a success or not" is read: most calls end there, and
 * reading the whole envelope and the catalogue entry for them is work nobody uses.
 */
export function isPlainSuccess(httpStatus: unknown, body: unknown): boolean {
  if (typeof httpStatus !== 'number' || httpStatus < 200 || httpStatus >= 300) return false;
  if (body === null || typeof body !== 'object') return false;
  try {
    if (Array.isArray(body)) return false;
    const { status_code: code, content } = body as { status_code?: unknown; content?: unknown };
    if (code !== '2000' && code !== 2000) return false;
    if (content === null || typeof content !== 'object') return true;
    const { status } = content as { status?: unknown };
    return (
      status === undefined || status === 'Success' || status === 'Failed' || status === 'Expired'
    );
  } catch {
    // A getter that throws: the full reading decides.
    return false;
  }
}

/**
 * Turns one answer, or one thrown transport error, into a `Classification`. Pure and total: it
 * never throws, whatever it is given (it tolerates every envelope variant PortOne sends, HTML
 * from proxies, empty bodies, unknown codes and hostile objects).
 *
 * A status answer (`2000` with `content.status`) is classified as the HTTP call it is: `Pending`
 * makes it `pending`, but `Failed` and `Expired` stay `success` with `paymentStatus` set. The
 * lookup worked; what a terminal payment state means (a decline, an expired session, a
 * reconciled create that never happened) depends on why the engine asked, so it decides.
 */
export function classify(input: ClassifyInput): Classification {
  let isError = false;
  try {
    isError = input !== null && typeof input === 'object' && 'error' in input;
    if (isError) return transportClassification(transportFailureOf((input as ErrorInput).error));
    return classifyResponse((input ?? {}) as ResponseInput);
  } catch {
    // Unreachable by design; if a hostile input gets here, it is unreadable, so it is taken as
    // "it may have gone through", the only safe assumption for money.
    return isError
      ? transportClassification('ambiguous')
      : { kind: 'error', series: 'unknown', ambiguous: true };
  }
}
