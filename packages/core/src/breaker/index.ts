export {
  breakerKeyOf,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitListener,
  type CircuitState,
  type CircuitVerdict,
  createCircuitBreaker,
} from './circuit-breaker.js';
