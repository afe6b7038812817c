/**
 * The shared vocabulary of the SDK. Every module of core, and both adapters, speak in these types.
 */

/** The family a PortOne status code belongs to, named after PortOne's series. */
export type Series = 'pending' | 'success' | 'validation' | 'system' | 'card' | 'unknown' | 'psp';

/** A series, or `transport` when no PortOne answer was read (reset, refused, timed out). */
export type ErrorSeries = Series | 'transport';

/** What the SDK does with an answer. */
export type Outcome = 'succeed' | 'poll' | 'fail' | 'retry' | 'surface';

/**
 * Why a code's default differs from its series' default. Used by the policy and the docs.
 * - `duplicate`: the server already holds this order ref (4002/5002).
 * - `auth`: credentials or token are wrong or expired.
 * - `config`: a merchant configuration fault that no retry fixes.
 * - `customer`: the customer can act on it (OTP, 3DS, risk check).
 * - `expired`: the transaction or session expired.
 * - `review`: the transaction is held for review; its final state comes later.
 * - `no-retry`: retrying is forbidden by PortOne itself.
 * - `fraud`: suspected fraud; the customer is told nothing specific.
 */
export type CodeTag =
  | 'duplicate'
  | 'auth'
  | 'config'
  | 'customer'
  | 'expired'
  | 'review'
  | 'no-retry'
  | 'fraud';

/** One row of the catalogue. */
export interface CodeInfo {
  /** PortOne's numeric code, e.g. `6014`. */
  readonly code: number;
  /** PortOne's status string, e.g. `INVALID_CARD_DECLINED_ERROR`. */
  readonly status: string;
  /** The series the code belongs to. */
  readonly series: Series;
  /** What the SDK does with this code by default. */
  readonly outcome: Outcome;
  /** Why this code differs from its series' default, when it does. */
  readonly reason?: string;
  /** Machine-readable form of `reason`. */
  readonly tags: readonly CodeTag[];
}

/** The final state of a payment, as `GET /api/transaction/{ref}/status` reports it. */
export type PaymentStatus = 'Success' | 'Failed' | 'Pending' | 'Expired';

/**
 * How a transport failure relates to the request:
 * - `not-sent`: the request never reached the server (connection refused, DNS); safe to re-send.
 * - `ambiguous`: the bytes left; the server may have processed it (reset, socket hang up).
 * - `timeout`: the attempt timed out after sending; ambiguous as well.
 * - `aborted`: the caller's signal aborted the call.
 */
export type TransportFailure = 'not-sent' | 'ambiguous' | 'timeout' | 'aborted';

/** What `classify()` makes of one answer or one thrown transport error. Plain data. */
export interface Classification {
  /**
   * - `success`: a 2000-series code, `is_success: true`, or a 2xx with nothing that says otherwise.
   * - `pending`: a 1000-series code or `content.status: "Pending"`.
   * - `error`: PortOne (or a proxy in front of it) answered with a failure.
   * - `transport`: no answer was read.
   */
  readonly kind: 'success' | 'pending' | 'error' | 'transport';
  /** The series of `code`; `unknown` when there is no code; `transport` when nothing was read. */
  readonly series: ErrorSeries;
  /** PortOne's numeric status code, when the answer carried one in 1000–8999. */
  readonly code?: number;
  /** The status string PortOne sent (`status_reason` / `status_message`), or the catalogue's. */
  readonly status?: string;
  /** PortOne's human-readable `message`, kept for logs (never shown to customers). */
  readonly message?: string;
  /** The catalogue row of `code`, when the code is known. */
  readonly info?: CodeInfo;
  /** The HTTP status of the answer. */
  readonly httpStatus?: number;
  /** A server hint: wait this long before trying again (from Retry-After). */
  readonly retryAfterMs?: number;
  /** True when the request may have been processed although no clear answer says so. */
  readonly ambiguous: boolean;
  /** For `kind: 'transport'`: how the failure relates to the request. */
  readonly transport?: TransportFailure;
  /** `content.status` of a status answer, when present. */
  readonly paymentStatus?: PaymentStatus;
  /** The order ref the answer names (`content.order_ref`), when present. */
  readonly orderRef?: string;
  /** The parsed body (or raw text) as received. Never put in a message: redact before showing. */
  readonly body?: unknown;
}
