import { brandErrorClass, PortOneError } from './portone-error.js';

/** The key, secret, signature or JWT was rejected (4010/4011/4012/4054/4084/4099, HTTP 401/403). */
export class PortOneAuthenticationError extends PortOneError {
  override name = 'PortOneAuthenticationError' as const;
}

brandErrorClass(PortOneAuthenticationError, 'PortOneAuthenticationError');
