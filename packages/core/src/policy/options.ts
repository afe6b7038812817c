import type { DeclaredOperations } from '../operations/types.js';
import type { ErrorSeries, Outcome } from '../types.js';

/** An override for a series or a code. Every field is optional; the rest is inherited. */
export interface Rule {
  /** What to do with the answer. */
  outcome?: Outcome;
  /** How many times to retry (not counting the first attempt). */
  retries?: number;
  /** Backoff base, in ms. */
  minDelayMs?: number;
  /** Backoff cap, in ms. */
  maxDelayMs?: number;
}

/** Options of `createPolicy`. Every field is optional; the defaults are in `POLICY_DEFAULTS`. */
export interface PolicyOptions {
  /** Overrides per series (`transport` covers answers that never arrived). */
  series?: Partial<Record<ErrorSeries, Rule>>;
  /** Overrides per PortOne code; they win over everything else. */
  codes?: Readonly<Record<number, Rule>>;
  /**
   * Retries after the first attempt for retryable answers.
   * @default 3
   */
  retries?: number;
  /**
   * Backoff base: the first retry waits up to this long (full jitter).
   * @default 250
   */
  minDelayMs?: number;
  /**
   * Backoff cap: no computed wait is longer.
   * @default 8000
   */
  maxDelayMs?: number;
  /**
   * Longest Retry-After the SDK honours; a longer hint fails the call instead of hanging it.
   * @default 30000
   */
  maxRetryAfterMs?: number;
  /**
   * Overall deadline of one call, retries and waits included (polling has its own deadline).
   * @default 30000
   */
  deadlineMs?: number;
  /**
   * Timeout of one attempt.
   * @default 10000
   */
  attemptTimeoutMs?: number;
  /**
   * First wait between two status polls of a pending payment.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Longest wait between two status polls.
   * @default 10000
   */
  pollMaxIntervalMs?: number;
  /**
   * How long a pending payment is polled before `PortOnePendingTimeoutError`.
   * @default 120000
   */
  pollDeadlineMs?: number;
  /**
   * Customer messages by code, replacing the defaults.
   * @default {}
   */
  customerMessages?: Readonly<Record<number, string>>;
  /**
   * Endpoints the operation catalogue lacks (or that a gateway serves under other paths), keyed
   * `'METHOD /path/{param}'`, with their safety contract: `kind` (`read`, `create`,
   * `money-move`, `config`), where the ref lives, and the operation that settles an unknown
   * outcome. An endpoint neither catalogued nor declared is treated as a configuration write:
   * never re-sent blind.
   * @default {}
   */
  operations?: DeclaredOperations;
}

/** The numeric settings of a policy, all resolved. */
export type PolicySettings = Required<Omit<PolicyOptions, 'series' | 'codes'>>;

/**
 * The defaults, and why:
 * - 3 retries, 250 ms base, 8 s cap: a PSP hiccup usually clears within a second or two; three
 *   full-jitter retries cover it (expected total wait under 2 s) without piling onto an outage.
 * - 30 s deadline: a checkout request should answer the customer within half a minute.
 * - 10 s per attempt: PortOne's create calls wait on the PSP; 10 s leaves room without hanging.
 * - Polling from 1 s up to 10 s for 2 minutes: most pending payments settle within a minute;
 *   after that the merchant gets a typed error carrying the order ref, and the webhook follows.
 */
export const POLICY_DEFAULTS: Readonly<PolicySettings> = Object.freeze({
  retries: 3,
  minDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
  deadlineMs: 30_000,
  attemptTimeoutMs: 10_000,
  pollIntervalMs: 1000,
  pollMaxIntervalMs: 10_000,
  pollDeadlineMs: 120_000,
  customerMessages: Object.freeze({}),
  operations: Object.freeze({}),
});
