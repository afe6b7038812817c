export {
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookMeta,
} from './create-webhook-handler.js';
export { isFinalStatus, isReplay } from './status-order.js';
export {
  type ExpectedPayment,
  type VerifyWebhookOptions,
  verifyWebhook,
} from './verify-webhook.js';
export type { PortOneWebhook, WebhookStatus } from './webhook.js';
export {
  createMemoryWebhookStore,
  type MemoryWebhookStoreOptions,
  type WebhookStore,
} from './webhook-store.js';
