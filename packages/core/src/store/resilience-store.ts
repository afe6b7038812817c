/**
 * Where retry-budget and circuit-breaker state lives. In memory by default; behind this small
 * interface so a fleet of checkout servers can share it (see `@portone-retry/redis-store`).
 * Every method is one atomic step, so an implementation over Redis needs no locks.
 */
export interface ResilienceStore {
  /**
   * Takes `cost` tokens from the bucket `key` (full at `capacity` when first seen) if it holds
   * that many; resolves whether it did.
   */
  takeTokens(key: string, cost: number, capacity: number): Promise<boolean>;
  /** Puts `amount` tokens back, never above `capacity`. */
  refundTokens(key: string, amount: number, capacity: number): Promise<void>;
  /** Tokens left in the bucket `key`. */
  availableTokens(key: string, capacity: number): Promise<number>;
  /** Adds one to the consecutive-failure count of `key`; resolves the new count. */
  recordFailure(key: string, ttlMs: number): Promise<number>;
  /** Clears the failure count and the open state of `key` (the breaker closes). */
  reset(key: string): Promise<void>;
  /** Opens `key` until the epoch ms `until`; `opens` counts consecutive openings (for backoff). */
  open(key: string, until: number, opens: number, ttlMs: number): Promise<void>;
  /** The open state of `key`, if it was opened and not reset. */
  openState(key: string): Promise<{ until: number; opens: number } | undefined>;
  /** Claims the single half-open probe of `key` for `ttlMs`; resolves whether this caller got it. */
  claimProbe(key: string, ttlMs: number): Promise<boolean>;
}

/** The default store: process memory, plain timestamps, no timers. */
export function createMemoryStore(now: () => number = Date.now): ResilienceStore {
  const buckets = new Map<string, number>();
  const failures = new Map<string, { count: number; expires: number }>();
  const opened = new Map<string, { until: number; opens: number; expires: number }>();
  const probes = new Map<string, number>();
  const tokensOf = (key: string, capacity: number) => buckets.get(key) ?? capacity;

  return {
    async takeTokens(key, cost, capacity) {
      const tokens = tokensOf(key, capacity);
      if (tokens < cost) return false;
      buckets.set(key, tokens - cost);
      return true;
    },
    async refundTokens(key, amount, capacity) {
      buckets.set(key, Math.min(capacity, tokensOf(key, capacity) + amount));
    },
    async availableTokens(key, capacity) {
      return tokensOf(key, capacity);
    },
    async recordFailure(key, ttlMs) {
      const current = failures.get(key);
      const count = current !== undefined && current.expires > now() ? current.count + 1 : 1;
      failures.set(key, { count, expires: now() + ttlMs });
      return count;
    },
    async reset(key) {
      failures.delete(key);
      opened.delete(key);
      probes.delete(key);
    },
    async open(key, until, opens, ttlMs) {
      opened.set(key, { until, opens, expires: now() + ttlMs });
      probes.delete(key);
    },
    async openState(key) {
      const state = opened.get(key);
      if (state === undefined || state.expires <= now()) return undefined;
      return { until: state.until, opens: state.opens };
    },
    async claimProbe(key, ttlMs) {
      const held = probes.get(key);
      if (held !== undefined && held > now()) return false;
      probes.set(key, now() + ttlMs);
      return true;
    },
  };
}
