import { brandErrorClass, PortOneError } from './portone-error.js';

/** Another PSP error (8000 series); retried with backoff where safe. */
export class PortOnePspError extends PortOneError {
  override name = 'PortOnePspError' as const;
}

brandErrorClass(PortOnePspError, 'PortOnePspError');
