import type { SettledBy } from '../engine/types.js';
import type { EndpointKind } from '../operations/types.js';
import type { PaymentStatus } from '../types.js';

/**
 * A money move the engine is about to send, written down before it is sent, so that a process
 * that dies mid-call leaves enough behind for another one to settle it by lookup.
 * It holds no secret: the URL is redacted and the body is kept only as its digest.
 */
export interface Intent {
  /** The call's operation id (the same `operationId` its events carry). */
  readonly id: string;
  /** The catalogue's operation id (`createRefund`), else the endpoint `METHOD /path/{template}`. */
  readonly operation: string;
  /** What the endpoint does with money (`create` or `money-move`). */
  readonly kind: EndpointKind;
  /** The ref the request carries: the merchant order ref of a create, PortOne's of a refund. */
  readonly orderRef?: string;
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /** SHA-256 of the request body, lower-case hex ('' when the body could not be read). */
  readonly bodyDigest: string;
  /** The request that settles the intent's unknown outcome (from the catalogue's `lookupPathOf`). */
  readonly lookup?: {
    readonly method: string;
    /** A path under the API's base URL, starting with `/api/`. */
    readonly path: string;
    readonly body?: Readonly<Record<string, unknown>>;
  };
  /**
   * The request's fields a lookup's answer is compared with (a refund's `amount`, a status
   * set's `status`): never a card number, key or token.
   */
  readonly compare?: Readonly<Record<string, string | number>>;
  /** When the call started, in ms since the epoch (the engine's clock). */
  readonly startedAt: number;
}

/**
 * How an intent ended. `settledBy`/`status` when the payment's outcome is known; `failed` when
 * the call failed in a way that settles it (`not-sent`: PortOne never saw it; `not-found`:
 * a lookup says nothing was created or moved; `declined`: PortOne refused it).
 * An intent whose outcome stays unknown (`ambiguous`, or a pending payment when polling ran out)
 * is not closed: it waits for the reconciler.
 */
export interface IntentOutcome {
  readonly settledBy?: SettledBy | 'reconcile';
  readonly status?: PaymentStatus;
  readonly failed?: 'not-sent' | 'not-found' | 'declined' | 'ambiguous';
}

/** Which open intents to list. */
export interface JournalListOptions {
  /** Only intents started at least this long ago (ms). @default 0 */
  readonly olderThanMs?: number;
  /** The clock's reading to measure `olderThanMs` against, in ms since the epoch. */
  readonly now: number;
}

/**
 * Where an engine writes down its money moves. In memory by default; `createRedisJournal` from
 * `@portone-retry/redis-store` shares one across a fleet and outlives the process.
 * Every method may reject: the engine never lets a journal failure fail a payment.
 */
export interface Journal {
  /** Writes an open intent (overwrites one with the same id). */
  open(intent: Intent): Promise<void>;
  /** Closes an intent: it is no longer listed. Closing an unknown id does nothing. */
  close(id: string, outcome: IntentOutcome): Promise<void>;
  /** Open intents, oldest first. */
  list(options: JournalListOptions): Promise<Intent[]>;
}

const JOURNAL_METHODS = ['open', 'close', 'list'] as const;

/** Throws a TypeError naming `option` unless `value` has the journal's methods. */
export function assertJournal(value: unknown, option: string): asserts value is Journal {
  if (
    typeof value !== 'object' ||
    value === null ||
    JOURNAL_METHODS.some((m) => typeof (value as Record<string, unknown>)[m] !== 'function')
  ) {
    throw new TypeError(`${option} must be a journal (open, close and list functions)`);
  }
}
