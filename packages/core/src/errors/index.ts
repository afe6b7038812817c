export { PortOneAbortError } from './abort-error.js';
export { PortOneAuthenticationError } from './authentication-error.js';
export { PortOneCardError } from './card-error.js';
export { PortOneCircuitOpenError } from './circuit-open-error.js';
export {
  customerMessageFor,
  DEFAULT_CUSTOMER_MESSAGES,
  GENERIC_DECLINE_MESSAGE,
} from './customer-messages.js';
export { ERROR_CLASSES, type PortOneErrorName } from './error-classes.js';
export { createPortOneError, type ErrorContext, errorClassNameOf } from './factory.js';
export { PortOneNetworkError } from './network-error.js';
export { PortOnePendingTimeoutError } from './pending-timeout-error.js';
export { isPortOneError, PortOneError, type PortOneErrorInit } from './portone-error.js';
export { PortOnePspError } from './psp-error.js';
export { PortOneSystemError } from './system-error.js';
export { PortOneTimeoutError, type TimeoutPhase } from './timeout-error.js';
export { PortOneUnknownError } from './unknown-error.js';
export { PortOneValidationError } from './validation-error.js';
export { PortOneWebhookError, type WebhookRejection } from './webhook-error.js';
