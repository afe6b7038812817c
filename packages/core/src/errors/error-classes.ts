import { PortOneAbortError } from './abort-error.js';
import { PortOneAuthenticationError } from './authentication-error.js';
import { PortOneCardError } from './card-error.js';
import { PortOneCircuitOpenError } from './circuit-open-error.js';
import { PortOneNetworkError } from './network-error.js';
import { PortOnePendingTimeoutError } from './pending-timeout-error.js';
import { PortOneError } from './portone-error.js';
import { PortOnePspError } from './psp-error.js';
import { PortOneSystemError } from './system-error.js';
import { PortOneTimeoutError } from './timeout-error.js';
import { PortOneUnknownError } from './unknown-error.js';
import { PortOneValidationError } from './validation-error.js';
import { PortOneWebhookError } from './webhook-error.js';

/**
 * Every error class of the SDK by its `name`, so tests, docs and log pipelines can go from a
 * serialised error's `name` back to its class without a hand-written list.
 */
export const ERROR_CLASSES = Object.freeze({
  PortOneError,
  PortOneValidationError,
  PortOneAuthenticationError,
  PortOneSystemError,
  PortOneCardError,
  PortOneUnknownError,
  PortOnePspError,
  PortOneNetworkError,
  PortOneTimeoutError,
  PortOnePendingTimeoutError,
  PortOneAbortError,
  PortOneCircuitOpenError,
  PortOneWebhookError,
});

/** The `name` of any error the SDK throws. */
export type PortOneErrorName = keyof typeof ERROR_CLASSES;
