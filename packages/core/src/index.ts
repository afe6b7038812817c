/**
 * @portone-retry/core: the names a user imports. Adapter plumbing lives in
 * `@portone-retry/core/adapter`; everything else is internal.
 */

export type { AdapterOptions } from './adapter/options.js';
export type { TokenOption } from './auth/index.js';
// The catalogue of PortOne's status codes.
export { CATALOGUE, lookupCode, seriesOf } from './catalogue/index.js';
// Pure: one answer in, a classification out.
export { type ClassifyInput, classify } from './classify/index.js';
// The engine: the loop every call takes.
export {
  createEngine,
  type Engine,
  type EngineOptions,
  type SettlementChannel,
} from './engine/index.js';
export {
  createFetchLookupTransport,
  type FetchLookupTransportOptions,
  type LookupTransport,
} from './engine/lookup-transport.js';
export type {
  AttemptContext,
  AttemptResponse,
  LastSeenStatus,
  Operation,
  OperationKind,
  SettledBy,
  Settlement,
  StatusCheck,
} from './engine/types.js';
// Errors: one class per outcome, and a guard that works across copies.
export {
  DEFAULT_CUSTOMER_MESSAGES,
  GENERIC_DECLINE_MESSAGE,
  isPortOneError,
  PortOneAbortError,
  PortOneAuthenticationError,
  PortOneCardError,
  PortOneCircuitOpenError,
  PortOneError,
  type PortOneErrorName,
  PortOneNetworkError,
  PortOnePendingTimeoutError,
  PortOnePspError,
  PortOneSystemError,
  PortOneTimeoutError,
  PortOneUnknownError,
  PortOneValidationError,
  PortOneWebhookError,
  type TimeoutPhase,
  type WebhookRejection,
} from './errors/index.js';
export type { JournalEvent } from './events.js';
// Events.
export {
  type AttemptEvent,
  type BudgetEvent,
  type CircuitEvent,
  type EventBase,
  type FailureEvent,
  type ListenerErrorEvent,
  type LookupEvent,
  PORTONE_EVENT_NAMES,
  type PollEvent,
  type PortOneEventEmitter,
  type PortOneEventName,
  type PortOneEvents,
  type PortOneListener,
  type ReconcileEvent,
  type ResponseEvent,
  type RetryEvent,
  type StoreEvent,
  type SuccessEvent,
  type SurfaceEvent,
} from './events.js';
// The journal of money moves: what a call (or a killed process) leaves open, settled by lookup.
export {
  createMemoryJournal,
  type Intent,
  type IntentOutcome,
  type Journal,
  type JournalListOptions,
  type MemoryJournalOptions,
} from './journal/index.js';
export {
  type ReconcileOptions,
  type ReconcileOutcome,
  type ReconcileStatus,
  reconcile,
  reconcileIntent,
  type SettledIntent,
} from './journal/reconcile.js';
// Operations: every PortOne endpoint's safety contract, from PortOne's specs.
export {
  type DeclaredOperations,
  type EndpointKind,
  lookupOperation,
  OPERATIONS,
  type OperationContract,
  type OperationInfo,
} from './operations/index.js';
// Policies.
export {
  createPolicy,
  type Decision,
  POLICY_DEFAULTS,
  type Policy,
  type PolicyOptions,
  type PolicySettings,
  type ResolvedRule,
  type Rule,
} from './policy/index.js';
// Redaction, for the merchant's own logs.
export { redact } from './redact.js';
// Fleet resilience: the retry budget, the circuit breaker and where their state lives.
export {
  type BreakerOutcome,
  type BucketSpec,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitChange,
  type CircuitPermit,
  type CircuitRecord,
  type CircuitState,
  type CircuitUpdate,
  createCircuitBreaker,
  createMemoryStore,
  createRetryBudget,
  type OutcomeCounts,
  type OutcomeWindow,
  type ResilienceStore,
  type RetryBudget,
  type RetryBudgetOptions,
  type RetryKind,
  type StoreHealthEvent,
  StoreTimeoutError,
  type TripRule,
} from './resilience/index.js';
// Request signatures, as PortOne computes them (Web Crypto).
export { type SignatureKind, signRequest, signWebhook } from './signatures/index.js';
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
// Webhooks: verified, amount-checked, replay-proof, and settling the calls that follow them.
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
