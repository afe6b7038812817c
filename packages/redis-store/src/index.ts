export { createRedisSettlements, type RedisSettlementsOptions } from './redis-settlements.js';
export { createRedisStore, type RedisStoreOptions } from './redis-store.js';
export { createRedisWebhookStore, type RedisWebhookStoreOptions } from './redis-webhook-store.js';
