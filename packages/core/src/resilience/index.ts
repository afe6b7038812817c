export { breakerKeyOf, pspChannelOf, withChannel } from './breaker-key.js';
export { type BreakerOutcome, breakerOutcomeOf } from './breaker-outcome.js';
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitChange,
  type CircuitPermit,
  createCircuitBreaker,
} from './circuit-breaker.js';
export { createMemoryStore } from './memory-store.js';
export {
  createRetryBudget,
  type RetryBudget,
  type RetryBudgetOptions,
  type RetryKind,
} from './retry-budget.js';
export {
  assertResilienceStore,
  type BucketSpec,
  type CircuitRecord,
  type CircuitState,
  type CircuitUpdate,
  type OutcomeCounts,
  type OutcomeWindow,
  quorumOf,
  type ResilienceStore,
  type TripRule,
  trips,
} from './store.js';
export {
  type StoreComponent,
  type StoreHealthEvent,
  StoreTimeoutError,
} from './store-guard.js';
