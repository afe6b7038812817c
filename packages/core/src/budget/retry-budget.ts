import type { ResilienceStore } from '../store/resilience-store.js';

/**
 * Options of the retry budget: a token bucket shared by every call of an engine (and, with a
 * shared store, by a fleet). The defaults are the AWS SDKs' "standard" retry mode: a bucket of
 * 500, 5 per retry, 10 per retry after a timeout, and on success the cost of a retry is refunded
 * (1 token for a call that needed none). In a full outage the bucket empties after ~100 retries
 * and every further retryable failure fails at once, so retries stop amplifying the outage.
 */
export interface RetryBudgetOptions {
  /** @default 500 */
  capacity?: number;
  /** Tokens one retry costs. @default 5 */
  retryCost?: number;
  /** Tokens one retry after a timeout costs. @default 10 */
  timeoutCost?: number;
  /** Tokens a call that succeeded without retrying puts back. @default 1 */
  successRefund?: number;
  /** The bucket's name in the store (engines sharing a store and a key share a budget). @default 'portone' */
  key?: string;
}

export interface RetryBudget {
  /** Takes the cost of one retry; false when the bucket cannot pay it (do not retry). */
  tryAcquire(kind: 'retry' | 'timeout'): Promise<boolean>;
  /** A call succeeded: refund what its retries cost, or `successRefund` if it needed none. */
  onSuccess(spent: number): Promise<void>;
  /** Tokens left. */
  available(): Promise<number>;
  /** What `tryAcquire(kind)` costs. */
  costOf(kind: 'retry' | 'timeout'): number;
}

const DEFAULTS = { capacity: 500, retryCost: 5, timeoutCost: 10, successRefund: 1, key: 'portone' };

function validate(options: RetryBudgetOptions): void {
  for (const name of Object.keys(options)) {
    if (!(name in DEFAULTS)) throw new TypeError(`budget.${name} is not a budget option`);
  }
  for (const name of ['capacity', 'retryCost', 'timeoutCost', 'successRefund'] as const) {
    const value = options[name];
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    ) {
      throw new TypeError(`budget.${name} must be a whole number ≥ 0`);
    }
  }
  if (options.key !== undefined && (typeof options.key !== 'string' || options.key === '')) {
    throw new TypeError('budget.key must be a non-empty string');
  }
}

/** A retry budget over a store (in memory unless a shared one is given). */
export function createRetryBudget(
  options: RetryBudgetOptions,
  store: ResilienceStore,
): RetryBudget {
  validate(options);
  const o = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  const key = `budget:${o.key}`;
  const costOf = (kind: 'retry' | 'timeout') => (kind === 'timeout' ? o.timeoutCost : o.retryCost);
  return {
    costOf,
    tryAcquire: (kind) => store.takeTokens(key, costOf(kind), o.capacity),
    onSuccess: (spent) => store.refundTokens(key, spent > 0 ? spent : o.successRefund, o.capacity),
    available: () => store.availableTokens(key, o.capacity),
  };
}
