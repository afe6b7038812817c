export {
  createReconcileWorker,
  type ReconcileWorker,
  type ReconcileWorkerOptions,
} from './reconcile-worker.js';
export {
  createRedisJournal,
  DEFAULT_JOURNAL_TTL_SECONDS,
  type RedisJournalOptions,
} from './redis-journal.js';
export { createRedisSettlements, type RedisSettlementsOptions } from './redis-settlements.js';
export { createRedisStore, type RedisStoreOptions } from './redis-store.js';
export { createRedisWebhookStore, type RedisWebhookStoreOptions } from './redis-webhook-store.js';
