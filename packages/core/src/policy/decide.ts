import type { OperationKind } from '../engine/types.js';
import type { Classification } from '../types.js';
import type { Policy } from './policy.js';

/** Where a call stands when an answer arrives. */
export interface AttemptState {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Retries already spent on this call. */
  readonly retriesUsed: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
  /** How money moves with the request. */
  readonly kind: OperationKind;
  /** Source of jitter in [0, 1); injected so tests can pin delays. */
  readonly random: () => number;
  /**
   * Whether the request can be looked up (it carries a ref and a lookup can be sent). Without it,
   * a create or money move whose outcome is unknown is never re-sent.
   */
  readonly canLookUp: boolean;
}

/** What the engine does next. */
export type Decision =
  | { readonly type: 'succeed' }
  | { readonly type: 'poll' }
  | { readonly type: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'reconcile'; readonly delayMs: number; readonly reason: string }
  | {
      readonly type: 'fail';
      readonly reason: string;
      /** Said in the error's message when the user would otherwise wonder why nothing was retried. */
      readonly note?: string;
      /** True when a create or money move was not re-sent because it cannot be looked up. */
      readonly unreconciled?: true;
      /** True when PortOne may have acted on the request: the error says so. */
      readonly ambiguous?: true;
    }
  | { readonly type: 'surface' };

/** Full jitter: uniformly random in [0, min(cap, base · 2^n)) — the AWS-recommended backoff. */
export function backoffDelay(
  retriesUsed: number,
  minDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(retriesUsed, 30));
  return Math.floor(Math.min(Math.max(random(), 0), 0.999_999) * ceiling);
}

/**
 * Decides what to do with one classified answer. Pure: the same input gives the same decision.
 * The checks run in order; the first that applies wins.
 */
export function decide(c: Classification, policy: Policy, state: AttemptState): Decision {
  // A success is final, whatever else the answer carries.
  if (c.kind === 'success') return { type: 'succeed' };

  // The caller gave up: nothing more is attempted.
  if (c.transport === 'aborted') return { type: 'fail', reason: 'aborted by the caller' };

  const rule = policy.ruleFor(c);

  // A pending payment (1000 series, content.status Pending, or a rule saying so) is polled, not
  // re-sent: re-sending a create could charge twice.
  if (c.kind === 'pending' || rule.outcome === 'poll') return { type: 'poll' };

  // A duplicate answer to a retried attempt means the first attempt went through: look it up.
  // Without a way to look it up, it fails below as the duplicate it is.
  if (state.attempt > 1 && state.canLookUp && c.info?.tags.includes('duplicate')) {
    return { type: 'reconcile', delayMs: 0, reason: 'duplicate answer to a retried attempt' };
  }

  // Explicit outcomes that are not retries end the call here.
  if (rule.outcome === 'surface') return { type: 'surface' };
  if (rule.outcome === 'fail') return { type: 'fail', reason: `${rule.source} outcome is fail` };
  if (rule.outcome === 'succeed') return { type: 'succeed' };

  // From here on the answer is retryable in principle. A create or a money move whose outcome
  // is unknown (a reset or timeout after it left, a proxy's page, a retryable 5000/8000 answer
  // PortOne may have sent after acting) is looked up before anything else, whatever retries,
  // budget or time are left: a lookup costs none of them, and only it can tell whether money
  // moved. Without a way to look it up, it is never sent again.
  const unknownOutcome = c.transport !== 'not-sent';
  if (unknownOutcome && (state.kind === 'create' || state.kind === 'money-move')) {
    if (state.canLookUp) {
      const wait = backoffDelay(state.retriesUsed, rule.minDelayMs, rule.maxDelayMs, state.random);
      const delayMs = state.elapsedMs + wait >= policy.settings.deadlineMs ? 0 : wait;
      return { type: 'reconcile', delayMs, reason: describe(c) };
    }
    return {
      type: 'fail',
      reason: `${state.kind} with no ref to look it up by`,
      unreconciled: true,
      ambiguous: true,
      note: 'not re-sent: the outcome is unknown and the request has no ref to look it up by',
    };
  }

  // A configuration write whose outcome is unknown is not sent twice either.
  if (unknownOutcome && state.kind === 'config') {
    return {
      type: 'fail',
      reason: 'unknown outcome of a write that is not idempotent',
      ambiguous: true,
      note: 'not re-sent: the outcome is unknown and the write may have been applied',
    };
  }

  if (state.retriesUsed >= rule.retries) {
    return { type: 'fail', reason: `retries exhausted (${rule.retries})` };
  }

  // Server hints first: Retry-After, capped so a huge hint fails fast instead of hanging.
  let delayMs: number;
  if (c.retryAfterMs !== undefined) {
    if (c.retryAfterMs > policy.settings.maxRetryAfterMs) {
      return { type: 'fail', reason: `Retry-After ${c.retryAfterMs} ms exceeds maxRetryAfterMs` };
    }
    delayMs = c.retryAfterMs;
  } else {
    delayMs = backoffDelay(state.retriesUsed, rule.minDelayMs, rule.maxDelayMs, state.random);
  }

  // A wait that ends past the deadline is not worth starting.
  if (state.elapsedMs + delayMs >= policy.settings.deadlineMs) {
    return { type: 'fail', reason: 'the next attempt would pass the deadline' };
  }

  // What is left is safe to send again: a request that surely never left, or a read.
  return { type: 'retry', delayMs, reason: c.transport === 'not-sent' ? 'not sent' : describe(c) };
}

function describe(c: Classification): string {
  if (c.code !== undefined) return `${c.code}${c.status ? ` ${c.status}` : ''}`;
  if (c.kind === 'transport') return `transport ${c.transport ?? 'failure'}`;
  return c.httpStatus !== undefined ? `HTTP ${c.httpStatus}` : 'unreadable answer';
}
