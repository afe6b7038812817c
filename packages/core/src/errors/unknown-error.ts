import { brandErrorClass, PortOneError } from './portone-error.js';

/** PortOne reported an unknown error (7000 series), or an answer the SDK could not read. */
export class PortOneUnknownError extends PortOneError {
  override name = 'PortOneUnknownError' as const;
}

brandErrorClass(PortOneUnknownError, 'PortOneUnknownError');
