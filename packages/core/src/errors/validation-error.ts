import { brandErrorClass, PortOneError } from './portone-error.js';

/** PortOne rejected the request (4000 series): fixing the request is the only cure, so it is not retried. */
export class PortOneValidationError extends PortOneError {
  override name = 'PortOneValidationError' as const;
}

brandErrorClass(PortOneValidationError, 'PortOneValidationError');
