export {
  type AdapterOptions,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './adapter-options.js';
export * from './auth/index.js';
export {
  CATALOGUE,
  lookupCode,
  parseCode,
  SERIES,
  SERIES_DEFAULTS,
  seriesOf,
} from './catalogue/index.js';
export * from './classify/index.js';
export * from './engine/index.js';
export type * from './engine/types.js';
export * from './errors/index.js';
export * from './events.js';
export * from './policy/index.js';
export * from './redact.js';
export {
  channelOf,
  DEFAULT_BASE_URL,
  isPortOneUrl,
  operationKindOf,
  orderRefOf,
  portOneUrlMatcher,
  statusUrl,
  upperMethod,
} from './request.js';
export * from './resilience/index.js';
export {
  formatAmount,
  SIGNED_FIELDS,
  type SignatureKind,
  signRequest,
  signWebhook,
} from './signatures/index.js';
export type {
  Classification,
  CodeInfo,
  CodeTag,
  ErrorSeries,
  Outcome,
  PaymentStatus,
  Series,
  TransportFailure,
} from './types.js';
export {
  createMemoryWebhookStore,
  createWebhookHandler,
  type ExpectedPayment,
  type PortOneWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookMeta,
  type WebhookStatus,
  type WebhookStore,
} from './webhooks/index.js';
