import type { PortOneError } from '../errors/index.js';
import { backoffDelay } from '../policy/index.js';
import type { Call } from './call.js';
import { Again, Stop } from './control.js';
import { pollUntilSettled } from './poll-until-settled.js';
import { terminalFailure } from './settle.js';

/** Why the engine looks a payment up before doing anything else. */
export type ReconcileMode = 'ambiguous' | 'duplicate';

/** What reconciliation found: the call is settled with `raw`, or the create must be sent again. */
export type Reconciled<R> =
  | { readonly settled: true; readonly raw: R }
  | { readonly settled: false };

/** True when the call can be reconciled at all: a status check and an order ref. */
export function canReconcile<R>(call: Call<R>): call is Call<R> & { orderRef: string } {
  return call.operation.checkStatus !== undefined && call.orderRef !== undefined;
}

/**
 * Looks up, by merchant order ref, a create whose outcome is unknown (or that PortOne called a
 * duplicate after a retry). A payment that exists is followed — Success resolves, Pending is
 * polled, Failed/Expired throws — and is never created again. One that does not exist is sent
 * again; after a duplicate answer it is not (that would only be refused again). A lookup that
 * itself fails is retried, never answered with a blind re-send.
 */
export async function reconcile<R>(
  call: Call<R> & { orderRef: string },
  mode: ReconcileMode,
  original: PortOneError,
): Promise<Reconciled<R>> {
  const orderRef = call.orderRef;
  const { classification: c, response } = await call.lookup(orderRef);

  if (c.paymentStatus !== undefined) {
    call.emit('reconcile', {
      orderRef,
      found: true,
      action: 'follow',
      status: c.paymentStatus,
    });
    if (c.paymentStatus === 'Success') {
      return { settled: true, raw: (response as NonNullable<typeof response>).raw };
    }
    if (c.paymentStatus === 'Pending')
      return { settled: true, raw: await pollUntilSettled(call, c) };
    throw new Stop(call.error(terminalFailure(c, orderRef), { outcome: 'surface' }));
  }

  // PortOne answered that it holds no such payment: a 4000-series code, or a 4xx without one.
  const notFound = c.kind === 'error' && (c.series === 'validation' || c.code === 5001);
  if (notFound) {
    if (mode === 'duplicate') {
      call.emit('reconcile', { orderRef, found: false, action: 'fail' });
      throw new Stop(original);
    }
    call.emit('reconcile', { orderRef, found: false, action: 'resend' });
    return { settled: false };
  }

  // The lookup itself failed (transport, 5xx): try it again later, within the same budget.
  const settings = call.policy.settings;
  if (call.retriesUsed >= settings.retries) {
    call.emit('reconcile', { orderRef, found: false, action: 'fail' });
    throw new Stop(original);
  }
  const delayMs = backoffDelay(
    call.retriesUsed,
    settings.minDelayMs,
    settings.maxDelayMs,
    call.random,
  );
  if (call.elapsed() + delayMs >= settings.deadlineMs) throw new Stop(original);
  throw new Again(delayMs, original, 'status lookup failed; reconciling again');
}
