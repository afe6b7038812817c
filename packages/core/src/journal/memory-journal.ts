import type { Intent, IntentOutcome, Journal, JournalListOptions } from './types.js';

/** Options of `createMemoryJournal`. */
export interface MemoryJournalOptions {
  /**
   * Open intents kept at most; past it the oldest is dropped, so a process nobody reconciles
   * cannot grow without bound (each one is an ambiguous or timed-out money move: alert on them).
   * @default 10000
   */
  maxIntents?: number;
}

/**
 * A journal in this process's memory: the default. It lets `engine.unsettled()` and `reconcile`
 * settle what this process left open (a pending timeout, an ambiguous money move), but dies with
 * the process: a fleet uses `createRedisJournal`.
 */
export function createMemoryJournal(options: MemoryJournalOptions = {}): Journal {
  const { maxIntents = 10_000 } = options;
  if (!Number.isInteger(maxIntents) || maxIntents < 1) {
    throw new TypeError('createMemoryJournal: maxIntents must be a positive integer');
  }
  const open = new Map<string, Intent>();
  return {
    async open(intent: Intent) {
      open.delete(intent.id);
      open.set(intent.id, intent);
      // A Map iterates in insertion order: the first key is the oldest written.
      while (open.size > maxIntents) open.delete(open.keys().next().value as string);
    },
    async close(id: string, _outcome: IntentOutcome) {
      open.delete(id);
    },
    async list({ olderThanMs = 0, now }: JournalListOptions) {
      return [...open.values()]
        .filter((intent) => now - intent.startedAt >= olderThanMs)
        .sort((a, b) => a.startedAt - b.startedAt);
    },
  };
}
