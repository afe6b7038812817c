/**
 * Where retry-budget and circuit-breaker state lives. One engine keeps it in memory
 * (`createMemoryStore()`); a fleet of checkout servers shares it through Redis
 * (`@portone-retry/redis-store`) so every server sees one budget and one breaker per endpoint.
 *
 * Every method is a single atomic step on a single key, so a Redis implementation is one Lua
 * script per method and works on a Redis Cluster. The caller passes the time (`now`, epoch ms)
 * so state follows an injected clock; expiry (`ttlMs`) only collects state nobody touches any
 * more and never decides an answer on its own.
 */
export interface ResilienceStore {
  /**
   * Takes `cost` tokens from the bucket `key` if it holds that many (a bucket seen for the first
   * time is full); resolves whether it did. Taking nothing leaves the bucket as it was.
   */
  take(key: string, cost: number, bucket: BucketSpec, now: number): Promise<boolean>;
  /**
   * Puts `amount` tokens back into the bucket `key`, never above its capacity. A refund follows
   * every successful call: a store that is done at once (in memory) may return nothing.
   */
  refund(key: string, amount: number, bucket: BucketSpec, now: number): Promise<void> | void;
  /** The tokens the bucket `key` holds at `now` (its capacity when it was never used). */
  tokens(key: string, bucket: BucketSpec, now: number): Promise<number>;

  /**
   * Counts one call to `key` (`failed` or not) in a window sliding by `window.slotMs`; resolves
   * the counts after it. A success resets the consecutive-failure count.
   */
  recordOutcome(
    key: string,
    failed: boolean,
    window: OutcomeWindow,
    now: number,
  ): Promise<OutcomeCounts>;
  /** Forgets every call counted for `key` (a breaker that closes starts from a clean slate). */
  clearOutcomes(key: string): Promise<void>;

  /** The breaker record of `key`, or undefined when there is none (the breaker is closed). */
  readCircuit(key: string, now: number): Promise<CircuitRecord | undefined>;
  /**
   * Writes `next` as the breaker record of `key` if its version is still `expectedVersion` (0
   * when there is no record); resolves the written record, with the version raised by one, or
   * undefined when another writer got there first. This compare-and-set is what lets exactly
   * one caller across a fleet open a breaker or take its probe.
   */
  writeCircuit(
    key: string,
    expectedVersion: number,
    next: CircuitUpdate,
    ttlMs: number,
    now: number,
  ): Promise<CircuitRecord | undefined>;
}

/** A token bucket's shape, passed on every call so a store keeps no configuration. */
export interface BucketSpec {
  /** The most tokens the bucket holds; a new bucket starts full. */
  readonly capacity: number;
  /** Tokens added back per second of time passed; 0 refills only through refunds. */
  readonly refillPerSecond: number;
  /** How long an untouched bucket is kept; when dropped it is full again on next use. */
  readonly idleTtlMs: number;
}

/** The sliding window a breaker counts calls in. */
export interface OutcomeWindow {
  /** The window's length; calls older than this no longer count. */
  readonly windowMs: number;
  /** The window slides by this much: calls are counted per slot of this width. */
  readonly slotMs: number;
}

/** What a breaker knows about recent calls to one key. */
export interface OutcomeCounts {
  /** Failures since the last success (reset after `windowMs` with no call at all). */
  readonly consecutiveFailures: number;
  /** Failures within the window. */
  readonly failures: number;
  /** Calls within the window (failures included; ignored answers are never counted). */
  readonly total: number;
}

/** A circuit breaker's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The stored state of one breaker. */
export interface CircuitRecord {
  readonly state: CircuitState;
  /**
   * Epoch ms. `open`: when a probe may go. `half-open`: when the probe's lease lapses and another
   * caller may probe. `closed`: until when a new opening counts as a repeat (longer cool-down).
   */
  readonly until: number;
  /** Openings in a row without a stable close; the cool-down grows with it. */
  readonly opens: number;
  /** Raised by one on every write; the compare-and-set checks it. */
  readonly version: number;
}

/** What `writeCircuit` writes: a record without its version, which the store assigns. */
export type CircuitUpdate = Omit<CircuitRecord, 'version'>;

const STORE_METHODS = [
  'take',
  'refund',
  'tokens',
  'recordOutcome',
  'clearOutcomes',
  'readCircuit',
  'writeCircuit',
] as const;

/** Throws a TypeError naming `option` when `store` is not a ResilienceStore. */
export function assertResilienceStore(
  store: unknown,
  option: string,
): asserts store is ResilienceStore {
  if (typeof store !== 'object' || store === null) {
    throw new TypeError(`${option} must be a ResilienceStore (e.g. createMemoryStore())`);
  }
  const methods = store as Record<string, unknown>;
  const missing = STORE_METHODS.filter((name) => typeof methods[name] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(`${option} must be a ResilienceStore; it lacks ${missing.join(', ')}`);
  }
}
