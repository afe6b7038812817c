import type { CodeTag, Outcome } from '../types.js';

/** A reviewed departure from a series' default outcome, with the reason shown in the docs. */
export interface Refinement {
  readonly outcome: Outcome;
  readonly tags: readonly CodeTag[];
  readonly reason: string;
}

const authentication = (reason: string): Refinement => ({
  outcome: 'fail',
  tags: ['auth'],
  reason,
});

/**
 * Per-code refinements of the series defaults. Each entry says why in one line; the core README
 * and `docs/error-codes.md` print the same reasons.
 */
export const REFINEMENTS: Readonly<Record<number, Refinement>> = {
  // 4000 validation: fail fast by default; these need a different word.
  4002: {
    outcome: 'fail',
    tags: ['duplicate'],
    reason: 'The order ref already exists: on a retried attempt the first one went through.',
  },
  4010: authentication('The PortOne key is wrong or unknown; retrying cannot fix credentials.'),
  4011: authentication('The request signature does not verify; retrying cannot fix credentials.'),
  4012: authentication('The request is not authorised; retrying cannot fix credentials.'),
  4054: authentication(
    'The JWT is invalid or expired: refreshed once when a token provider is set.',
  ),
  4084: authentication('The PortOne key is not authorised; retrying cannot fix credentials.'),
  4099: authentication('The PortOne secret is wrong; retrying cannot fix credentials.'),
  4056: {
    outcome: 'surface',
    tags: ['customer'],
    reason: 'The one-time password expired: the customer must request a new one.',
  },
  4072: {
    outcome: 'surface',
    tags: ['expired'],
    reason: 'The transaction expired: the customer must start the payment again.',
  },
  4073: {
    outcome: 'surface',
    tags: ['customer'],
    reason: 'The one-time password was wrong: the customer must enter it again.',
  },
  4082: {
    outcome: 'surface',
    tags: ['expired'],
    reason: 'PortOne expired the transaction: the customer must start the payment again.',
  },
  4088: {
    outcome: 'fail',
    tags: ['no-retry'],
    reason:
      'PortOne says the retry limit is exceeded: the SDK never retries it, whatever the policy.',
  },
  4097: {
    outcome: 'poll',
    tags: ['review'],
    reason:
      'The transaction is under review: its final state comes later, so it is polled, not lost.',
  },
  4100: {
    outcome: 'surface',
    tags: ['fraud'],
    reason:
      'Suspected fraud: declined with a generic message that reveals nothing to the customer.',
  },
  // 5000 system: retried by default; these are configuration faults or duplicates, not transient.
  5001: {
    outcome: 'fail',
    tags: ['config'],
    reason: 'The record does not exist: a lookup or configuration fault, not transient.',
  },
  5002: {
    outcome: 'fail',
    tags: ['duplicate'],
    reason: 'A duplicate was found: on a retried attempt the first one went through.',
  },
  5022: {
    outcome: 'fail',
    tags: ['config'],
    reason: 'The payment channel is not supported for this merchant: configuration, not transient.',
  },
  5023: {
    outcome: 'fail',
    tags: ['config'],
    reason: 'The payment channel is invalid: configuration, not transient.',
  },
  5030: {
    outcome: 'fail',
    tags: ['config'],
    reason: 'The redirect URL is invalid: configuration, not transient.',
  },
  // 8000 other PSP: retried by default; these need the customer.
  8002: {
    outcome: 'surface',
    tags: ['customer'],
    reason:
      'The customer failed authentication (3DS/OTP) at the PSP: they must try again themselves.',
  },
  8004: {
    outcome: 'surface',
    tags: ['customer'],
    reason: "The PSP's risk check rejected the payment: the customer must use another method.",
  },
};
