import type { Intent, IntentOutcome, Journal, JournalListOptions } from './types.js';

/**
 * A journal in this process's memory: the default. It lets `engine.unsettled()` and `reconcile`
 * settle what this process left open (a pending timeout, an ambiguous money move), but dies with
 * the process: a fleet uses `createRedisJournal`.
 */
export function createMemoryJournal(): Journal {
  const open = new Map<string, Intent>();
  return {
    async open(intent: Intent) {
      open.set(intent.id, intent);
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
