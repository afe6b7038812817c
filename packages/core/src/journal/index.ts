export { bodyDigest } from './digest.js';
export { createMemoryJournal, type MemoryJournalOptions } from './memory-journal.js';
export {
  assertJournal,
  type Intent,
  type IntentOutcome,
  type Journal,
  type JournalListOptions,
} from './types.js';
