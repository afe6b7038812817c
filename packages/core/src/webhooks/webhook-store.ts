import type { WebhookStatus } from './webhook.js';

/**
 * Where the webhook handler remembers the last status it applied per merchant order ref, to drop
 * replays. In memory by default; give every server of a fleet the same shared store (Redis), so a
 * webhook PortOne sends twice to two servers is applied once.
 */
export interface WebhookStore {
  /** The status last applied for `merchantOrderRef`, if any is remembered. */
  get(merchantOrderRef: string): Promise<WebhookStatus | undefined>;
  /** Remembers `status` as applied for `merchantOrderRef`. */
  set(merchantOrderRef: string, status: WebhookStatus): Promise<void>;
  /**
   * Takes the order ref for one webhook at a time across every server that shares the store,
   * for at most `leaseMs`: a token to release it with, or `undefined` while another server holds
   * it (the handler then answers 409 and PortOne sends the webhook again later, when it is the
   * replay it is). Optional, with `release`: without them, two servers may apply one webhook at
   * the same instant.
   */
  claim?(merchantOrderRef: string, leaseMs: number): Promise<string | undefined>;
  /** Gives the ref back, if `token` still holds it (a lease that ran out is another's now). */
  release?(merchantOrderRef: string, token: string): Promise<void>;
}

/** Options of `createMemoryWebhookStore`. */
export interface MemoryWebhookStoreOptions {
  /**
   * How many order refs to remember; the least recently used is forgotten first. A forgotten ref
   * is applied again if PortOne resends it, which `onPayment` must tolerate anyway.
   * @default 10000
   */
  readonly max?: number;
}

/** A `WebhookStore` in this process's memory, bounded by count. */
export function createMemoryWebhookStore(options: MemoryWebhookStoreOptions = {}): WebhookStore {
  const max = options.max ?? 10_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError('createMemoryWebhookStore: max must be a positive integer');
  }
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const statuses = new Map<string, WebhookStatus>();
  // Refs taken by a handler of this process: their token and when the lease runs out.
  const claims = new Map<string, { token: string; until: number }>();
  let tokens = 0;
  return {
    async claim(ref, leaseMs) {
      const held = claims.get(ref);
      if (held !== undefined && held.until > Date.now()) return undefined;
      const token = String(++tokens);
      claims.set(ref, { token, until: Date.now() + leaseMs });
      return token;
    },
    async release(ref, token) {
      if (claims.get(ref)?.token === token) claims.delete(ref);
    },
    async get(ref) {
      const status = statuses.get(ref);
      if (status !== undefined) {
        statuses.delete(ref);
        statuses.set(ref, status);
      }
      return status;
    },
    async set(ref, status) {
      statuses.delete(ref);
      statuses.set(ref, status);
      for (const oldest of statuses.keys()) {
        if (statuses.size <= max) break;
        statuses.delete(oldest);
      }
    },
  };
}
