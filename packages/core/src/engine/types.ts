import type { PortOneError } from '../errors/index.js';
import type { PolicyOptions } from '../policy/options.js';
import type { Policy } from '../policy/policy.js';
import type { PaymentStatus } from '../types.js';

/**
 * The contract between the engine and an adapter. The engine is transport-agnostic: an adapter
 * hands it an `Operation` whose `send` performs one attempt; the engine classifies each answer,
 * decides, waits, polls, reconciles, and settles with the final answer or a `PortOneError`.
 */

/** What one attempt produced, as the adapter read it. */
export interface AttemptResponse<R = unknown> {
  /** HTTP status of the answer. */
  readonly httpStatus: number;
  /** Response headers. */
  readonly headers: Headers | Readonly<Record<string, string | undefined>>;
  /** The body, parsed as JSON when it is JSON, else its text ('' when empty). */
  readonly body: unknown;
  /** The adapter's own response object (AxiosResponse, Response); the engine resolves with it. */
  readonly raw: R;
}

/** Handed to `send` for each attempt. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /**
   * Aborts when the caller aborts, the per-attempt timeout fires or the deadline passes. The
   * adapter passes it to its client; the engine maps the abort reason to the right error.
   * Made on first read: a transport that enforces `timeoutMs` itself may leave it unread (the
   * engine still settles the attempt at once when it is aborted).
   */
  readonly signal: AbortSignal;
  /** The per-attempt timeout in ms (already applied through `signal`). */
  readonly timeoutMs: number;
  /**
   * True once the engine stopped waiting for this attempt (its timeout, the deadline, the
   * caller's abort). A transport that took no signal checks it when its answer comes late, to
   * release what it holds (e.g. cancel the unread body).
   */
  readonly abandoned: boolean;
  /**
   * Hands the attempt's abort (its timeout, the caller, the deadline) to `controller`: its
   * `abort(reason)` is called once when the attempt is aborted, at once if it already was. An
   * `AbortController` fits; a transport that is cancelled through a callback passes a lighter
   * object of its own and never reads `signal` (an AbortSignal costs microseconds per attempt).
   * A controller that throws is ignored.
   */
  forwardAbortTo(controller: AbortTarget): void;
}

/**
 * Where `Operation.sendTo` hands an attempt's outcome: once, either way. Anything handed after
 * the first (or after the attempt was aborted) is ignored.
 */
export interface AttemptSink<R = unknown> {
  /** The attempt brought an answer (as `send` would resolve with). */
  answer(response: AttemptResponse<R>): void;
  /** The attempt brought no answer (as `send` would reject with). */
  fail(error: unknown): void;
}

/** What `AttemptContext.forwardAbortTo` calls when an attempt is aborted. */
export interface AbortTarget {
  abort(reason?: unknown): void;
}

/**
 * How money moves with this request, which decides what a retry may do:
 * - `create`: creates a payment, link, subscription or payout (POST /api/initiatePayment …); an
 *   ambiguous outcome is reconciled by order ref before anything is re-sent.
 * - `read`: a GET or other request that changes nothing; always safe to re-send.
 * - `mutate`: changes state without creating a payment (capture, refund); re-sent only when the
 *   request surely did not reach the server.
 */
export type OperationKind = 'create' | 'read' | 'mutate';

/** Looks up a payment by merchant order ref; resolves with the status endpoint's answer. */
export type StatusCheck<R = unknown> = (
  orderRef: string,
  context: { readonly signal: AbortSignal },
) => Promise<AttemptResponse<R>>;

/** One call, as an adapter describes it to the engine. An optional field left `undefined` is absent. */
export interface Operation<R = unknown> {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Full URL. The engine redacts it before it reaches an event or an error. */
  readonly url: string;
  /** What kind of request this is; see `OperationKind`. */
  readonly kind: OperationKind;
  /** The request's merchant order ref, when the request carries one. */
  readonly orderRef?: string | undefined;
  /** The PSP channel the request names (`pmt_channel`), so each channel gets its own breaker. */
  readonly channel?: string | undefined;
  /** Performs one attempt. Throws only for transport failures (no answer read). */
  send(context: AttemptContext): Promise<AttemptResponse<R>>;
  /**
   * Optional: performs one attempt as `send` does, but hands its outcome to `sink` instead of
   * returning it. The engine uses it for a call's first attempt when present: the call's promise
   * then settles straight from the transport's answer, one promise and one microtask hop fewer
   * per call than through `send`'s. What it returns is ignored; what it throws goes to `sink.fail`.
   */
  sendTo?(context: AttemptContext, sink: AttemptSink<R>): void;
  /** Status lookup used to poll pending payments and to reconcile ambiguous creates. */
  readonly checkStatus?: StatusCheck<R> | undefined;
  /** Caller's signal: aborts the running attempt and any pending wait at once. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Set when the request cannot be sent twice (a one-shot stream body): it is then never
   * re-sent, and the error says why. Polling and reconciliation still happen.
   */
  readonly notReplayable?: string | undefined;
  /**
   * Renews the credentials after PortOne rejects the token (401 / 4054): the engine calls it
   * once per call, then sends again. Absent when the user gave no token provider.
   */
  readonly refreshAuth?: (() => void | Promise<void>) | undefined;
  /** The `cause` to put on the error of an answered failure (e.g. an AxiosError). */
  causeOf?(response: AttemptResponse<R>): unknown;
  /**
   * Sees the error the call rejects with, just before it rejects, so an adapter can mark it for
   * its client (axios treats an error flagged `__CANCEL__` as a cancel). What it returns and what
   * it throws are ignored: it cannot change the outcome.
   */
  onFailure?(error: PortOneError): void;
  /**
   * Per-call policy overrides, on top of the engine's policy; or a ready policy (made with
   * `createPolicy` or `engine.policy.with`), used as it is. An adapter that gives many calls the
   * same overrides makes the policy once and hands it over: building one costs microseconds.
   */
  readonly policy?: PolicyOptions | Policy | undefined;
}

/** The state of a payment as the engine last saw it, carried by pending-timeout errors. */
export interface LastSeenStatus {
  readonly status?: PaymentStatus;
  readonly code?: number;
}
