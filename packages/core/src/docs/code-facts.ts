import { SERIES_DEFAULTS, seriesOf } from '../catalogue/index.js';
import { createPortOneError } from '../errors/index.js';
import type { Classification, CodeInfo, Outcome, Series } from '../types.js';

/** What the SDK does with one PortOne code by default: the facts the CLI and the docs print. */
export interface CodeFacts {
  readonly code: number;
  /** The catalogue's status string; undefined for a code PortOne does not list. */
  readonly status: string | undefined;
  readonly series: Series;
  readonly outcome: Outcome;
  /** Why the code departs from its series' default, when it does. */
  readonly reason: string | undefined;
  /** The `name` of the error the call rejects with; undefined when the call resolves. */
  readonly errorClass: string | undefined;
  /** The sentence the error carries for the customer, if any. */
  readonly customerMessage: string | undefined;
}

/** Series as PortOne's reference titles them. */
export const SERIES_TITLES: Readonly<Record<Series, string>> = {
  pending: '1000 pending',
  success: '2000 success',
  validation: '4000 validation',
  system: '5000 PortOne/PSP system',
  card: '6000 bank/card',
  unknown: '7000 unknown',
  psp: '8000 other PSP',
};

/** One line per outcome, in the words a user reading a log would want. */
export const OUTCOME_MEANINGS: Readonly<Record<Outcome, string>> = {
  succeed: 'resolves with the answer',
  poll: 'polls the transaction status until it settles or the poll deadline passes',
  fail: 'fails at once, no retry',
  retry:
    'retries with exponential backoff and full jitter (an ambiguous create is reconciled by order ref first)',
  surface: 'never retried; surfaced to the customer with a message they can act on',
};

/**
 * The facts of a catalogue row, or of a bare code (which takes its series' default). The error
 * class and customer message come from the SDK's own error factory, so the docs cannot drift
 * from what a call actually throws.
 */
export function factsOf(code: CodeInfo | number): CodeFacts {
  const info = typeof code === 'number' ? undefined : code;
  const number = info?.code ?? (code as number);
  const series = info?.series ?? seriesOf(number);
  const outcome = info?.outcome ?? SERIES_DEFAULTS[series];
  const classification: Classification = {
    kind: series === 'pending' ? 'pending' : series === 'success' ? 'success' : 'error',
    series,
    code: number,
    ...(info === undefined ? {} : { status: info.status, info }),
    ambiguous: false,
  };
  const error =
    outcome === 'succeed' ? undefined : createPortOneError(classification, { attempts: 1 });
  return {
    code: number,
    status: info?.status,
    series,
    outcome,
    reason: info?.reason,
    errorClass: error?.name,
    customerMessage: error?.customerMessage,
  };
}
