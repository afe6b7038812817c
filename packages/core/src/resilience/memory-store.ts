import type {
  BucketSpec,
  CircuitRecord,
  OutcomeCounts,
  OutcomeWindow,
  ResilienceStore,
} from './store.js';

interface Expiring {
  expires: number;
}
interface Bucket extends Expiring {
  tokens: number;
  at: number;
}
interface Outcomes extends Expiring {
  consecutive: number;
  /** slot number → [calls, failures] */
  slots: Map<number, [number, number]>;
}
interface Circuit extends Expiring {
  record: CircuitRecord;
}

/** What an operation done at once hands back: one settled promise, shared. */
/** Expired entries are dropped on access, and all of them every this many writes. */
const SWEEP_EVERY = 1024;

/** The bucket's level at `now`: refilled for the time passed, never above capacity. */
function levelOf(stored: Bucket | undefined, bucket: BucketSpec, now: number): number {
  if (stored === undefined) return bucket.capacity;
  // A clock that went backwards (another server's, through a shared store) adds nothing.
  const elapsed = Math.max(0, now - stored.at);
  return Math.min(bucket.capacity, stored.tokens + (elapsed * bucket.refillPerSecond) / 1000);
}

/**
 * The default store: plain maps in this process. It starts no timer (nothing keeps the process
 * alive) and reads time only from the `now` its callers pass, so fake clocks work.
 */
export function createMemoryStore(): ResilienceStore {
  const buckets = new Map<string, Bucket>();
  const outcomes = new Map<string, Outcomes>();
  const circuits = new Map<string, Circuit>();
  let writes = 0;

  function live<T extends Expiring>(map: Map<string, T>, key: string, now: number): T | undefined {
    const entry = map.get(key);
    if (entry === undefined || entry.expires > now) return entry;
    map.delete(key);
    return undefined;
  }

  function wrote(now: number): void {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    for (const map of [buckets, outcomes, circuits] as Map<string, Expiring>[]) {
      for (const [key, entry] of map) if (entry.expires <= now) map.delete(key);
    }
  }

  function setLevel(key: string, tokens: number, bucket: BucketSpec, now: number): void {
    const stored = buckets.get(key);
    // A full bucket is kept as no entry (levelOf reads a missing one as full): the refund that
    // follows every successful call then finds nothing to write while nothing was spent.
    if (tokens >= bucket.capacity) {
      if (stored !== undefined) buckets.delete(key);
      return;
    }
    if (stored === undefined) {
      buckets.set(key, { tokens, at: now, expires: now + bucket.idleTtlMs });
    } else {
      // Updated in place: a refund follows every successful call, so this is the hot path.
      stored.tokens = tokens;
      stored.at = Math.max(now, stored.at);
      stored.expires = now + bucket.idleTtlMs;
    }
    wrote(now);
  }

  return {
    async take(key, cost, bucket, now) {
      const level = levelOf(live(buckets, key, now), bucket, now);
      if (level < cost) return false;
      setLevel(key, level - cost, bucket, now);
      return true;
    },

    // Not async, and nothing to return: a refund follows every successful call, and it is done
    // at once.
    refund(key, amount, bucket, now) {
      const level = levelOf(live(buckets, key, now), bucket, now);
      setLevel(key, Math.min(bucket.capacity, level + amount), bucket, now);
    },

    async tokens(key, bucket, now) {
      return levelOf(live(buckets, key, now), bucket, now);
    },

    async recordOutcome(key, failed, window: OutcomeWindow, now): Promise<OutcomeCounts> {
      const entry = live(outcomes, key, now) ?? { consecutive: 0, slots: new Map(), expires: 0 };
      const slot = Math.floor(now / window.slotMs);
      const oldest = slot - Math.ceil(window.windowMs / window.slotMs) + 1;
      const counts = entry.slots.get(slot) ?? [0, 0];
      counts[0] += 1;
      if (failed) counts[1] += 1;
      entry.slots.set(slot, counts);
      entry.consecutive = failed ? entry.consecutive + 1 : 0;
      entry.expires = now + window.windowMs + window.slotMs;
      outcomes.set(key, entry);
      wrote(now);

      let total = 0;
      let failures = 0;
      for (const [at, [calls, failed]] of entry.slots) {
        if (at < oldest) {
          entry.slots.delete(at);
          continue;
        }
        total += calls;
        failures += failed;
      }
      return { consecutiveFailures: entry.consecutive, failures, total };
    },

    async clearOutcomes(key) {
      outcomes.delete(key);
    },

    async readCircuit(key, now) {
      return live(circuits, key, now)?.record;
    },

    async writeCircuit(key, expectedVersion, next, ttlMs, now) {
      const current = live(circuits, key, now)?.record.version ?? 0;
      if (current !== expectedVersion) return undefined;
      const record: CircuitRecord = { ...next, version: current + 1 };
      circuits.set(key, { record, expires: now + ttlMs });
      wrote(now);
      return record;
    },
  };
}
