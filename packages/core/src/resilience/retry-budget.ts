import { createMemoryStore } from './memory-store.js';
import { checkFunction, checkKeys, checkNumber, defined } from './options.js';
import { assertResilienceStore, type BucketSpec, type ResilienceStore } from './store.js';

/** What a retry is retrying: a timed-out attempt costs more, as it held resources longer. */
export type RetryKind = 'retry' | 'timeout';

/**
 * Options of the retry budget: one token bucket shared by every call of an engine, and by every
 * engine of a fleet that shares a store. The rules are the AWS SDKs' "standard" retry mode (a
 * retry costs tokens; a call that succeeds gives back the cost of its last retry, or a little
 * when it needed none); the size is gRPC's retry throttling (10 tokens, a tenth to a fifth of a
 * token back per success), sized for one server. In a full outage the bucket pays for 10
 * retries in all, then every retryable failure fails at once: one engine sends 1.1 requests
 * per call over its first 100 calls (1.2 for creates, each re-send looked up first) and 1.01 by
 * 1000, where AWS's 500-token bucket sent 2 and 3 times the calls. A success that needed no
 * retry refunds a fifth of a retry (AWS's ratio, 1 in 5): the bucket holds steady while about
 * 30 % of calls need a retry, and drains only when PortOne fails more than that. A fleet that
 * shares the budget through one store should raise `capacity` with its number of servers.
 */
export interface RetryBudgetOptions {
  /**
   * Tokens the bucket holds when full (and when new).
   * @default 10
   */
  capacity?: number;
  /**
   * Tokens one retry costs.
   * @default 1
   */
  retryCost?: number;
  /**
   * Tokens one retry of a timed-out attempt costs (it held a connection for a whole timeout).
   * @default 2
   */
  timeoutCost?: number;
  /**
   * Tokens a call that succeeded without retrying puts back: five such calls pay for a retry.
   * @default 0.2
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
  capacity: 10,
  retryCost: 1,
  timeoutCost: 2,
  successRefund: 0.2,
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
