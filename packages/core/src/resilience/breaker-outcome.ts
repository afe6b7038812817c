import { SERIES_DEFAULTS } from '../catalogue/index.js';
import type { Classification } from '../types.js';

/** How one call counts for a circuit breaker. */
export type BreakerOutcome = 'success' | 'failure' | 'ignored';

/**
 * What an answer says about the health of PortOne and the PSP behind it. Only a failure of the
 * service counts against a breaker: no answer at all, a 5000 or 8000 code that is worth a retry,
 * or a proxy's 5xx without a PortOne code. 4000 and 6000 answers are the caller's or the
 * customer's and never count, and neither do codes that are not transient (5001 "record does
 * not exist", configuration faults): five look-ups of unknown order refs must not stop polling.
 */
export function breakerOutcomeOf(classification: Classification): BreakerOutcome {
  const { kind, series } = classification;
  // A call the caller aborted says nothing about the service.
  if (kind === 'transport') return classification.transport === 'aborted' ? 'ignored' : 'failure';
  if (kind === 'success' || kind === 'pending') return 'success';
  if (series === 'system' || series === 'psp') {
    const outcome = classification.info?.outcome ?? SERIES_DEFAULTS[series];
    return outcome === 'retry' ? 'failure' : 'ignored';
  }
  // A proxy's 502/503/504 page: PortOne itself did not answer.
  if (
    series === 'unknown' &&
    classification.code === undefined &&
    (classification.httpStatus ?? 0) >= 500
  ) {
    return 'failure';
  }
  return 'ignored';
}
