import type { PortOneError } from '../errors/index.js';
import type { LookupRequest, LookupResult } from '../operations/types.js';
import type { PolicyOptions } from '../policy/options.js';
import type { Policy } from '../policy/policy.js';
import type { PaymentStatus } from '../types.js';

/**
 * The contract between the engine and an adapter. The engine is transport-agnostic: an adapter
 * describes one call as an `Operation` whose `send` performs one attempt; the engine classifies
 * each answer, decides, waits, polls, looks up, and settles with the final answer or a
 * `PortOneError`.
 */

/** What one attempt (or one status lookup) brought back, as the adapter read it. */
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
   * Aborts when the attempt's timeout fires, the caller aborts or the deadline passes: hand it to
   * the client so the request is cancelled on the wire. The engine settles the attempt at once
   * either way, so a client that ignores it cannot hold the call.
   */
  readonly signal: AbortSignal;
  /** The per-attempt timeout in ms (already applied through `signal`). */
  readonly timeoutMs: number;
}

/**
 * How money moves with this request (the operation catalogue's kind), which decides what a
 * retry may do when the outcome is unknown:
 * - `read`: changes nothing; always safe to re-send.
 * - `create`: creates something under the merchant's ref (a payment, a link, a plan); looked up
 *   by that ref, and re-sent only when the lookup says PortOne holds nothing.
 * - `money-move`: moves money on something that exists (refund, capture, deduction, payout);
 *   never re-sent: looked up and compared, else failed with `ambiguous: true` and the ref.
 * - `config`: any other write, and any endpoint the catalogue does not know; re-sent only when
 *   PortOne surely did nothing (never sent, token renewed), else failed with `ambiguous: true`.
 */
export type OperationKind = 'read' | 'create' | 'money-move' | 'config';

/** How an outcome-unknown create or money move is settled: the lookup to send, and how to read it. */
export interface LookupPlan {
  /** The lookup request, a path under PortOne's base URL. */
  readonly request: LookupRequest;
  /** Whether it is the payment's transaction status (a user's `checkStatus` may answer it). */
  readonly transactionStatus: boolean;
  /** What the lookup's answer says of the request it settles. */
  read(answer: { readonly httpStatus: number; readonly body: unknown }): LookupResult;
}

/** Looks a payment up by merchant order ref; resolves with the status endpoint's answer. */
export type StatusCheck<R = unknown> = (
  orderRef: string,
  context: { readonly signal: AbortSignal },
) => Promise<AttemptResponse<R>>;

/** What settled a call that resolved: PortOne's own answer, a lookup, a poll or a webhook. */
export type SettledBy = 'answer' | 'lookup' | 'poll' | 'webhook';

/** How a resolved call was settled, put on the adapter's response (`portone`). */
export interface Settlement {
  /** What told the engine the call's outcome. */
  readonly settledBy: SettledBy;
  /** The merchant order ref the call carried, when it had one. */
  readonly orderRef?: string;
  /** PortOne's own order ref (`order_ref`), when an answer named it. */
  readonly portoneOrderRef?: string;
  /** The payment's status, when an answer (or a webhook) stated one. */
  readonly status?: PaymentStatus;
  /** Attempts sent for this call (lookups and polls not counted). */
  readonly attempts: number;
}

/** One call, as an adapter describes it to the engine. An optional field left `undefined` is absent. */
export interface Operation<R = unknown> {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Full URL. The engine redacts it before it reaches an event or an error. */
  readonly url: string;
  /** What kind of request this is; see `OperationKind`. */
  readonly kind: OperationKind;
  /** The endpoint's name for events and traces (e.g. `initiatePayment`); default: its template. */
  readonly name?: string | undefined;
  /** The request's merchant order ref, when the request carries one. */
  readonly orderRef?: string | undefined;
  /** The PSP channel the request names (`pmt_channel`), so each channel gets its own breaker. */
  readonly channel?: string | undefined;
  /**
   * The request body as the caller gave it (an object, JSON or form text), for the journal: its
   * digest, and what a money move asked (the amount a refund lookup is compared with).
   */
  readonly body?: unknown;
  /** Performs one attempt. Throws only when no answer was read (a transport failure). */
  send(context: AttemptContext): Promise<AttemptResponse<R>>;
  /** How to settle an outcome-unknown answer by a lookup, when the request can be looked up. */
  readonly lookup?: LookupPlan | undefined;
  /** Sends a lookup request (a path under PortOne's base URL) with the call's credentials. */
  sendLookup?(
    request: LookupRequest,
    context: { readonly signal: AbortSignal },
  ): Promise<AttemptResponse<R>>;
  /**
   * A status lookup by merchant order ref (the user's own `checkStatus`): used for a payment's
   * transaction status, and, without a `lookup` plan, to poll and settle any create.
   */
  readonly checkStatus?: StatusCheck<R> | undefined;
  /** The caller's signal: aborts the running attempt and any wait at once. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Set when the request cannot be sent twice (a one-shot stream body): it is then never
   * re-sent, and the error says why. Polling and lookups still happen.
   */
  readonly notReplayable?: string | undefined;
  /**
   * Renews the credentials after PortOne rejects the token (401 / 4054): the engine calls it
   * once per call, then sends again. Absent when the user gave no token provider.
   */
  readonly refreshAuth?: (() => void | Promise<void>) | undefined;
  /** The `cause` to put on the error of an answered failure (e.g. an AxiosError). */
  causeOf?(response: AttemptResponse<R>): unknown;
  /** Puts how the call was settled on the answer it resolves with (an adapter's response field). */
  markSettled?(raw: R, settlement: Settlement): void;
  /**
   * Sees the error the call rejects with, just before it rejects, so an adapter can mark it for
   * its client (axios treats an error flagged `__CANCEL__` as a cancel). What it returns and what
   * it throws are ignored: it cannot change the outcome.
   */
  onFailure?(error: PortOneError): void;
  /**
   * Per-call policy overrides, on top of the engine's policy; or a ready policy (made with
   * `createPolicy` or `engine.policy.with`), used as it is.
   */
  readonly policy?: PolicyOptions | Policy | undefined;
}

/** The state of a payment as the engine last saw it, carried by pending-timeout errors. */
export interface LastSeenStatus {
  readonly status?: PaymentStatus;
  readonly code?: number;
}
