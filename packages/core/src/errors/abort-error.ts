import { brandErrorClass, PortOneError } from './portone-error.js';

/** The caller's `AbortSignal` aborted the call; `cause` is the signal's reason. */
export class PortOneAbortError extends PortOneError {
  override name = 'PortOneAbortError' as const;
}

brandErrorClass(PortOneAbortError, 'PortOneAbortError');
