import type { PortOneError } from '../errors/index.js';

/** Thrown inside the p-retry loop to end the call with `error`. */
export class Stop extends Error {
  override name = 'Stop' as const;
  constructor(readonly error: PortOneError) {
    super(error.message);
  }
}

/** Thrown inside the p-retry loop to go round again after `delayMs`. */
export class Again extends Error {
  override name = 'Again' as const;
  constructor(
    readonly delayMs: number,
    readonly error: PortOneError,
    readonly reason: string,
    /** Whether this retry spends the retry budget (a renewed token does not). */
    readonly budgeted = true,
  ) {
    super(reason);
  }
}

/** A safety net under the policy's own retry count: no call ever loops without end. */
export const MAX_LOOP = 100;
