import { createMemoryStore } from './memory-store.js';
import { checkFunction, checkKeys, checkNumber, defined } from './options.js';
import { assertResilienceStore, type BucketSpec, type ResilienceStore } from './store.js';

/** What a retry is retrying: a timed-out attempt costs more, as it held resources longer. */
export type RetryKind = 'retry' | 'timeout';

/**
 * Options of the retry budget: one token bucket shared by every call of an engine, and by every
 * engine of a fleet that shares a store. The defaults are the AWS SDKs' "standard" retry mode
 * (their `RetryQuota`: INITIAL_RETRY_TOKENS 500, RETRY_COST 5, TIMEOUT_RETRY_COST 10,
 * NO_RETRY_INCREMENT 1; on success the cost of the call's last retry is released). In a full
 * outage the bucket pays for about 100 retries, then every retryable failure fails at once, so
 * retries stop multiplying the load on a PSP that is already down; first attempts still go out,
 * and each success puts tokens back.
 */
export interface RetryBudgetOptions {
  /**
   * Tokens the bucket holds when full (and when new).
   * @default 500
   */
  capacity?: number;
  /**
   * Tokens one retry costs.
   * @default 5
   */
  retryCost?: number;
  /**
   * Tokens one retry of a timed-out attempt costs.
   * @default 10
   */
  timeoutCost?: number;
  /**
   * Tokens a call that succeeded without retrying puts back.
   * @default 1
   */
  successRefund?: number;
  /**
   * Tokens added back per second whatever happens. AWS adds none (only successes refill); a
   * small rate lets a bucket drained by a long outage recover when traffic is mostly retries.
   * @default 0
   */
  refillPerSecond?: number;
  /**
   * The bucket's name in the store: budgets sharing a store and a key share their tokens.
   * @default 'default'
   */
  key?: string;
  /**
   * The clock, in epoch ms (injected so tests run on fake time).
   * @default Date.now
   */
  now?: () => number;
}

/** A token bucket the engine asks before every retry. */
export interface RetryBudget {
  /** Takes the cost of one retry of `kind`; false when the bucket cannot pay it: do not retry. */
  tryAcquire(kind: RetryKind): Promise<boolean>;
  /**
   * A call succeeded. Pass the kind of its last retry, if it retried: that retry's cost comes
   * back. Without one, `successRefund` tokens come back. Resolves once the refund is recorded,
   * and never rejects for the store: a refund is bookkeeping after a call that already succeeded,
   * so a store that fails it is ignored (an unknown `lastRetry` still rejects with a TypeError).
   */
  onSuccess(lastRetry?: RetryKind): Promise<void>;
  /** Tokens in the bucket now. */
  available(): Promise<number>;
  /** What one retry of `kind` costs. */
  costOf(kind: RetryKind): number;
}

const DEFAULTS = {
  capacity: 500,
  retryCost: 5,
  timeoutCost: 10,
  successRefund: 1,
  refillPerSecond: 0,
  key: 'default',
  now: Date.now,
} satisfies Required<RetryBudgetOptions>;

const SETTLED: Promise<void> = Promise.resolve();
const ignore = (): void => {};

/** A bucket that does not refill on its own is kept a day untouched, then starts full again. */
const IDLE_BUCKET_TTL_MS = 24 * 60 * 60 * 1000;

function validate(options: RetryBudgetOptions): void {
  checkKeys('budget', options, Object.keys(DEFAULTS));
  checkNumber('budget.capacity', options.capacity, { min: 1, integer: true });
  const capacity = options.capacity ?? DEFAULTS.capacity;
  for (const name of ['retryCost', 'timeoutCost', 'successRefund'] as const) {
    checkNumber(`budget.${name}`, options[name], { min: 0, max: capacity });
  }
  checkNumber('budget.refillPerSecond', options.refillPerSecond, { min: 0 });
  if (options.key !== undefined && (typeof options.key !== 'string' || options.key === '')) {
    throw new TypeError('budget.key must be a non-empty string');
  }
  checkFunction('budget.now', options.now);
}

function checkKind(kind: unknown): asserts kind is RetryKind {
  if (kind !== 'retry' && kind !== 'timeout') {
    throw new TypeError(`retry kind must be 'retry' or 'timeout', got ${String(kind)}`);
  }
}

/**
 * A retry budget over `store` (a fresh in-memory one unless given; pass a shared store to share
 * the budget between engines or servers).
 */
export function createRetryBudget(
  options: RetryBudgetOptions = {},
  store: ResilienceStore = createMemoryStore(),
): RetryBudget {
  validate(options);
  assertResilienceStore(store, 'budget.store');
  const o = { ...DEFAULTS, ...defined(options) };
  const key = `budget:${o.key}`;
  const bucket: BucketSpec = {
    capacity: o.capacity,
    refillPerSecond: o.refillPerSecond,
    idleTtlMs:
      o.refillPerSecond > 0
        ? Math.ceil((o.capacity / o.refillPerSecond) * 1000)
        : IDLE_BUCKET_TTL_MS,
  };
  const costOf = (kind: RetryKind): number => {
    checkKind(kind);
    return kind === 'timeout' ? o.timeoutCost : o.retryCost;
  };

  return {
    costOf,
    async tryAcquire(kind) {
      return store.take(key, costOf(kind), bucket, o.now());
    },
    onSuccess(lastRetry) {
      // Not async: it runs after every successful call, and a wrapper promise per call adds up.
      let amount: number;
      try {
        amount = lastRetry === undefined ? o.successRefund : costOf(lastRetry);
      } catch (error) {
        return Promise.reject(error);
      }
      if (amount <= 0) return SETTLED;
      // The refund is bookkeeping after a call that succeeded: a store that fails it is ignored.
      let done: Promise<void> | void;
      try {
        done = store.refund(key, amount, bucket, o.now());
      } catch {
        return SETTLED;
      }
      return done === undefined ? SETTLED : Promise.resolve(done).catch(ignore);
    },
    async available() {
      return store.tokens(key, bucket, o.now());
    },
  };
}
