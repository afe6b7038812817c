/**
 * Where retry-budget and circuit-breaker state lives. One engine keeps it in memory
 * (`createMemoryStore()`); a fleet of checkout servers shares it through Redis
 * (`@portone-retry/redis-store`) so every server sees one budget and one breaker per endpoint.
 *
 * Every method is a single atomic step on a single key, so a Redis implementation is one Lua
 * script per method and works on a Redis Cluster. Times in shared state are the store's own:
 * the caller passes its clock (`now`, epoch ms), which an in-process store follows (so fake
 * clocks work), and a shared store ignores in favour of one clock for the whole fleet (Redis's
 * `TIME`), so a server whose clock is off can neither skip a cool-down nor lock others out.
 * That is why breaker records speak in durations (`forMs`, `remainingMs`), never in instants.
 * Expiry (`ttlMs`) only collects state nobody touches any more and never decides an answer.
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
   * Counts one call to `key` by `node` (`failed` or not) in a window sliding by
   * `window.slotMs`; resolves that node's counts after it, and how many nodes sent calls in the
   * window and how many of them `rule` finds failing. A success resets the node's
   * consecutive-failure count; a node with no call for `windowMs` is forgotten.
   */
  recordOutcome(
    key: string,
    node: string,
    failed: boolean,
    window: OutcomeWindow,
    rule: TripRule,
    now: number,
  ): Promise<OutcomeCounts>;
  /** Forgets every call counted for `key` (a breaker that closes starts from a clean slate). */
  clearOutcomes(key: string): Promise<void>;

  /**
   * The breaker record of `key`, its `remainingMs` measured on the store's clock, or undefined
   * when there is none (the breaker is closed).
   */
  readCircuit(key: string, now: number): Promise<CircuitRecord | undefined>;
  /**
   * Writes `next` as the breaker record of `key` if its version is still `expectedVersion` (0
   * when there is no record), its deadline `next.forMs` from now on the store's clock; resolves
   * the written record, with the version raised by one, or undefined when another writer got
   * there first. This compare-and-set is what lets exactly one caller across a fleet open a
   * breaker or take its probe.
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

/** When a node's own calls show PortOne failing: the breaker's opening rule. */
export interface TripRule {
  /** Failures in a row. */
  readonly failureThreshold: number;
  /** Share of failed calls in the window (with `minimumCalls`). */
  readonly failureRatio: number;
  /** Calls the window must hold before `failureRatio` is judged. */
  readonly minimumCalls: number;
}

/** What a breaker knows about recent calls to one key. */
export interface OutcomeCounts {
  /** The node's failures since its last success. */
  readonly consecutiveFailures: number;
  /** The node's failures within the window. */
  readonly failures: number;
  /** The node's calls within the window (failures included; ignored answers never count). */
  readonly total: number;
  /** Nodes with at least one call in the window (this one included). */
  readonly nodes: number;
  /** Of those, the nodes whose own calls meet the `TripRule` (this one included, if so). */
  readonly failingNodes: number;
}

/** A circuit breaker's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The stored state of one breaker. */
export interface CircuitRecord {
  readonly state: CircuitState;
  /**
   * Ms left, on the store's clock (≤ 0 once passed). `open`: until a probe may go. `half-open`:
   * until the probe's lease lapses and another caller may probe. `closed`: while a new opening
   * counts as a repeat (longer cool-down).
   */
  readonly remainingMs: number;
  /** Openings in a row without a stable close; the cool-down grows with it. */
  readonly opens: number;
  /** Raised by one on every write; the compare-and-set checks it. */
  readonly version: number;
}

/** What `writeCircuit` writes: the state, for how long from now (store's clock), openings. */
export interface CircuitUpdate {
  readonly state: CircuitState;
  readonly forMs: number;
  readonly opens: number;
}

/**
 * The fleet's quorum: a shared breaker opens when at least this many of the `nodes` that sent
 * calls in the window see PortOne failing — two of them (one when only one node sent calls),
 * and at least half of them. One node's broken network then trips only its own breaker, while
 * an outage, which every node sees, opens the fleet's; a single server opens on its own.
 */
export function quorumOf(nodes: number): number {
  return Math.max(Math.min(2, nodes), Math.ceil(nodes / 2));
}

/** Whether one node's counts in the window meet `rule`. */
export function trips(
  counts: { consecutiveFailures: number; failures: number; total: number },
  rule: TripRule,
): boolean {
  return (
    counts.consecutiveFailures >= rule.failureThreshold ||
    (counts.total >= rule.minimumCalls && counts.failures / counts.total >= rule.failureRatio)
  );
}

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
