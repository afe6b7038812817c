import { createMemoryStore, isInProcess } from './memory-store.js';
import { checkFunction, checkKeys, checkNumber, defined } from './options.js';
import { assertResilienceStore, type BucketSpec, type ResilienceStore } from './store.js';
import {
  createStoreGuard,
  DEFAULT_STORE_TIMEOUT_MS,
  type StoreHealthEvent,
  StoreUnavailable,
} from './store-guard.js';

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
   * How long the budget waits for its store, in ms, whatever the store client's own settings.
   * Past it (or on a store error) the retry is paid from a local bucket of the same size in
   * this process, so a Redis that is down or frozen never holds a payment. A Redis round trip
   * takes a few ms; 150 leaves room for a slow one and is small against a call's deadline.
   * @default 150
   */
  storeTimeoutMs?: number;
  /**
   * Called once when the budget falls back to its local bucket (the store failed or timed out)
   * and once when the store answers again.
   */
  onStoreHealth?: (event: StoreHealthEvent) => void;
  /**
   * The clock, in epoch ms (injected so tests run on fake time).
   * @default Date.now
   */
  now?: () => number;
}

/** A token bucket the engine asks before every retry. */
export interface RetryBudget {
  /**
   * Takes the cost of one retry of `kind`; false when the bucket cannot pay it: do not retry.
   * Never waits on the store longer than `storeTimeoutMs`, nor past `signal` (the call's own
   * deadline or abort): then the local bucket decides.
   */
  tryAcquire(kind: RetryKind, signal?: AbortSignal): Promise<boolean>;
  /**
   * A call succeeded. Pass the kind of its last retry, if it retried: that retry's cost comes
   * back. Without one, `successRefund` tokens come back. Resolves once the refund is recorded,
   * and never rejects for the store: a refund is bookkeeping after a call that already succeeded,
   * so a store that fails it is ignored (an unknown `lastRetry` still rejects with a TypeError).
   */
  onSuccess(lastRetry?: RetryKind): Promise<void>;
  /** Tokens in the bucket now (the local bucket's while the store is failing). */
  available(signal?: AbortSignal): Promise<number>;
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
  storeTimeoutMs: DEFAULT_STORE_TIMEOUT_MS,
  onStoreHealth: (_event: StoreHealthEvent): void => {},
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
  checkNumber('budget.storeTimeoutMs', options.storeTimeoutMs, { min: 1 });
  checkFunction('budget.onStoreHealth', options.onStoreHealth);
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

  const guard = createStoreGuard('budget', o.storeTimeoutMs, o.onStoreHealth);
  // A memory store answers at once: no time limit, no fallback, no timer per call.
  const direct = isInProcess(store);
  // Pays for retries while the store fails: the same bucket, in this process only.
  const local = createMemoryStore();
  /** `remote` on the store, or `fallback` on the local bucket when the store cannot answer. */
  const either = async <T>(
    remote: () => Promise<T> | T,
    fallback: () => Promise<T> | T,
    signal?: AbortSignal,
  ): Promise<T> => {
    if (direct) return remote();
    try {
      return await guard.call(remote, signal);
    } catch (error) {
      if (error instanceof StoreUnavailable) return fallback();
      throw error;
    }
  };

  return {
    costOf,
    async tryAcquire(kind, signal) {
      const cost = costOf(kind);
      return either(
        () => store.take(key, cost, bucket, o.now()),
        () => local.take(key, cost, bucket, o.now()),
        signal,
      );
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
      if (direct) {
        let done: Promise<void> | void;
        try {
          done = store.refund(key, amount, bucket, o.now());
        } catch {
          return SETTLED;
        }
        return done === undefined ? SETTLED : Promise.resolve(done).catch(ignore);
      }
      // The local bucket is refunded too (at once, in memory): it is the one that paid while
      // the store was failing, and it is full, so unchanged, otherwise.
      local.refund(key, amount, bucket, o.now());
      return guard.call(() => store.refund(key, amount, bucket, o.now())).then(ignore, ignore);
    },
    async available(signal) {
      return either(
        () => store.tokens(key, bucket, o.now()),
        () => local.tokens(key, bucket, o.now()),
        signal,
      );
    },
  };
}
