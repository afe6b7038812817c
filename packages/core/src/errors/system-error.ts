import { brandErrorClass, PortOneError } from './portone-error.js';

/** PortOne or the PSP failed (5000 series, or a proxy 5xx); retried with backoff where safe. */
export class PortOneSystemError extends PortOneError {
  override name = 'PortOneSystemError' as const;
}

brandErrorClass(PortOneSystemError, 'PortOneSystemError');
