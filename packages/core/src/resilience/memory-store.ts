import {
  type BucketSpec,
  type CircuitRecord,
  type CircuitState,
  type OutcomeCounts,
  type OutcomeWindow,
  type ResilienceStore,
  trips,
} from './store.js';

interface Expiring {
  expires: number;
}
interface Bucket extends Expiring {
  tokens: number;
  at: number;
}
interface NodeOutcomes {
  consecutive: number;
  /** The slot of the node's last call. */
  last: number;
  /** The node's calls and failures per slot, oldest first, only slots with calls. */
  slots: SlotCounts[];
}
interface SlotCounts {
  slot: number;
  calls: number;
  failures: number;
}
interface Outcomes extends Expiring {
  nodes: Map<string, NodeOutcomes>;
}
interface Circuit extends Expiring {
  state: CircuitState;
  /** Epoch ms on the callers' clock. */
  until: number;
  opens: number;
  version: number;
}

/** Expired entries are dropped on access, and all of them every this many writes. */
const SWEEP_EVERY = 1024;

/** The bucket's level at `now`: refilled for the time passed, never above capacity. */
function levelOf(stored: Bucket | undefined, bucket: BucketSpec, now: number): number {
  if (stored === undefined) return bucket.capacity;
  // A clock that went backwards (another server's, through a shared store) adds nothing.
  const elapsed = Math.max(0, now - stored.at);
  return Math.min(bucket.capacity, stored.tokens + (elapsed * bucket.refillPerSecond) / 1000);
}

/** A node's outcomes in the window starting at `oldest`; older slots are forgotten. */
function countSince(
  node: NodeOutcomes,
  oldest: number,
): Omit<OutcomeCounts, 'nodes' | 'failingNodes'> {
  node.slots = node.slots.filter((counts) => counts.slot >= oldest);
  let total = 0;
  let failures = 0;
  for (const counts of node.slots) {
    total += counts.calls;
    failures += counts.failures;
  }
  return { consecutiveFailures: node.consecutive, failures, total };
}

/** Stores made by `createMemoryStore`: they answer at once, so need no time limit. */
const IN_PROCESS = new WeakSet<ResilienceStore>();

/** Whether `store` is an in-process memory store (no time limit or fallback needed). */
export function isInProcess(store: ResilienceStore): boolean {
  return IN_PROCESS.has(store);
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

  const store: ResilienceStore = {
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

    async recordOutcome(key, node, failed, window: OutcomeWindow, rule, now) {
      const entry = live(outcomes, key, now) ?? { nodes: new Map(), expires: 0 };
      const slot = Math.floor(now / window.slotMs);
      const oldest = slot - Math.ceil(window.windowMs / window.slotMs) + 1;
      const seen = entry.nodes.get(node);
      // A node with no call for a whole window starts over, failures in a row included.
      const mine: NodeOutcomes =
        seen === undefined || seen.last < oldest ? { consecutive: 0, last: slot, slots: [] } : seen;
      const newest = mine.slots[mine.slots.length - 1];
      const counts = newest?.slot === slot ? newest : { slot, calls: 0, failures: 0 };
      if (counts !== newest) mine.slots.push(counts);
      counts.calls += 1;
      if (failed) counts.failures += 1;
      mine.consecutive = failed ? mine.consecutive + 1 : 0;
      mine.last = slot;
      entry.nodes.set(node, mine);
      entry.expires = now + window.windowMs + window.slotMs;
      outcomes.set(key, entry);
      wrote(now);

      let result: OutcomeCounts | undefined;
      let nodes = 0;
      let failingNodes = 0;
      for (const [id, each] of entry.nodes) {
        if (each.last < oldest) {
          // No call for a whole window: forgotten, failures in a row included.
          entry.nodes.delete(id);
          continue;
        }
        const own = countSince(each, oldest);
        if (own.total > 0) nodes += 1;
        if (own.total > 0 && trips(own, rule)) failingNodes += 1;
        if (id === node) result = { ...own, nodes: 0, failingNodes: 0 };
      }
      return { ...(result as OutcomeCounts), nodes, failingNodes };
    },

    async clearOutcomes(key) {
      outcomes.delete(key);
    },

    async readCircuit(key, now) {
      const circuit = live(circuits, key, now);
      if (circuit === undefined) return undefined;
      const { state, until, opens, version } = circuit;
      return { state, remainingMs: until - now, opens, version };
    },

    async writeCircuit(key, expectedVersion, next, ttlMs, now) {
      const current = live(circuits, key, now)?.version ?? 0;
      if (current !== expectedVersion) return undefined;
      const version = current + 1;
      const { state, opens } = next;
      const circuit = { state, until: now + next.forMs, opens, version, expires: now + ttlMs };
      circuits.set(key, circuit);
      wrote(now);
      const record: CircuitRecord = {
        state: next.state,
        remainingMs: next.forMs,
        opens: next.opens,
        version,
      };
      return record;
    },
  };
  IN_PROCESS.add(store);
  return store;
}
