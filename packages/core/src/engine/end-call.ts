import { isPortOneError, type PortOneError } from '../errors/index.js';
import { breakerOutcomeOf } from '../resilience/index.js';
import type { Classification } from '../types.js';
import type { Call } from './call.js';
import { CallAbort } from './call.js';
import { pendingClassification } from './settle.js';
import type { SettledBy, Settlement } from './types.js';

/** What the loop resolves with: the answer to give back, and what settled it. */
export interface Resolution<R> {
  readonly raw: R;
  readonly settledBy: SettledBy;
  /** The classification of the answer that settled the call. */
  readonly c: Classification;
}

/**
 * Resilience state lives in a store that may be remote: its failure never fails a payment.
 */
export async function orDefault<T>(work: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await work();
  } catch {
    return fallback;
  }
}

/** The breaker learns one outcome per call: that of its last attempt. */
async function recordForBreaker<R>(call: Call<R>): Promise<void> {
  const { breaker } = call.scope;
  if (breaker === undefined || call.lastSent === undefined) return;
  const outcome = breakerOutcomeOf(call.lastSent);
  await orDefault(() => breaker.record(call.breakerKey, outcome), undefined);
}

/** Ends a call that resolved: refunds the budget, marks the answer, announces the success. */
export async function succeed<R>(call: Call<R>, settled: Resolution<R>): Promise<R> {
  await recordForBreaker(call);
  // A refund is bookkeeping: a store that fails it is ignored.
  const { budget } = call.scope;
  if (budget !== undefined) void budget.onSuccess(call.lastRetryKind).catch(() => {});
  const status = settled.c.paymentStatus;
  const portoneOrderRef = settled.c.orderRef;
  const settlement: Settlement = {
    settledBy: settled.settledBy,
    attempts: call.attempts,
    ...(call.orderRef === undefined ? {} : { orderRef: call.orderRef }),
    ...(portoneOrderRef === undefined ? {} : { portoneOrderRef }),
    ...(status === undefined ? {} : { status }),
  };
  try {
    call.operation.markSettled?.(settled.raw, settlement);
  } catch {
    // An adapter's mark must never change the outcome of a payment call.
  }
  call.emit('success', {
    attempts: call.attempts,
    settledBy: settled.settledBy,
    ...(status === undefined ? {} : { status }),
  });
  return settled.raw;
}

/** Ends a call that rejected: the one PortOneError it rejects with, announced. */
export async function fail<R>(call: Call<R>, thrown: unknown): Promise<PortOneError> {
  await recordForBreaker(call);
  const error = errorOf(call, thrown);
  if (error.outcome === 'surface' && error.customerMessage !== undefined) {
    call.emit('surface', { error, customerMessage: error.customerMessage });
  }
  call.emit('failure', { error });
  try {
    call.operation.onFailure?.(error);
  } catch {
    // An adapter's mark must never change the outcome of a payment call.
  }
  return error;
}

/** Turns whatever ended a call into the one PortOneError it rejects with. */
function errorOf<R>(call: Call<R>, thrown: unknown): PortOneError {
  if (isPortOneError(thrown)) return thrown;
  const abort = thrown instanceof CallAbort ? thrown : call.abortReason;
  if (abort === undefined) {
    return (
      call.lastError ??
      call.error({ kind: 'error', series: 'unknown', ambiguous: true }, { cause: thrown })
    );
  }
  switch (abort.why) {
    case 'caller':
      return call.error(
        { kind: 'transport', series: 'transport', transport: 'aborted', ambiguous: false },
        { cause: abort.reason, message: 'the call was aborted by its caller' },
      );
    case 'poll-deadline':
      return call.error(pendingClassification(call.lastPending), {
        message: `payment ${call.orderRef ?? ''} still pending at the poll deadline; reconcile it later by its order ref`,
        phase: 'poll',
      });
    case 'deadline':
      return call.error(
        {
          kind: 'transport',
          series: 'transport',
          transport: 'timeout',
          ambiguous: call.operation.kind !== 'read',
        },
        {
          phase: 'deadline',
          timeoutMs: call.policy.settings.deadlineMs,
          message: `the call passed its deadline of ${call.policy.settings.deadlineMs} ms`,
        },
      );
  }
}
