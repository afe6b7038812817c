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
  return {
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
