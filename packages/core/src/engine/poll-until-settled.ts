import pRetry from 'p-retry';
import type { Classification } from '../types.js';
import type { Call } from './call.js';
import { Stop } from './control.js';
import { terminalFailure } from './settle.js';

class StillPending extends Error {
  override name = 'StillPending' as const;
  constructor(readonly classification: Classification) {
    super('still pending');
  }
}

/** Wait before the next status check: growing from pollIntervalMs to pollMaxIntervalMs, ±20 % jitter. */
function pollDelay<R>(call: Call<R>): number {
  const { pollIntervalMs, pollMaxIntervalMs } = call.policy.settings;
  // At least 1 ms: a zero wait would never yield to the timer that ends polling.
  const base = Math.max(
    1,
    Math.min(pollMaxIntervalMs, Math.max(1, pollIntervalMs) * 1.5 ** call.polls),
  );
  return Math.round(base * (0.8 + 0.4 * call.random()));
}

/**
 * Polls a pending payment's status until it settles: Success resolves with the status answer;
 * Failed or Expired throws the matching error; the poll deadline throws
 * `PortOnePendingTimeoutError` carrying the order ref, the last status and the attempts made.
 * A status lookup that fails in transit is simply tried again at the next tick.
 */
export async function pollUntilSettled<R>(call: Call<R>, first: Classification): Promise<R> {
  const orderRef = call.orderRef ?? first.orderRef;
  const canLookUp = call.operation.checkStatus !== undefined && orderRef !== undefined;
  if (!canLookUp && call.operation.kind !== 'read') {
    throw new Stop(
      call.error(first, {
        message: `the payment is pending and no status check is configured to follow it`,
        orderRef,
      }),
    );
  }
  call.enterPolling();
  let last = first;
  call.lastPending = first;

  return pRetry(
    async (round) => {
      if (round === 1) throw new StillPending(first);
      call.polls++;
      const { classification: c, response } = canLookUp
        ? await call.lookup(orderRef as string)
        : await call.send();
      if (c.paymentStatus === 'Success' || (c.kind === 'success' && !canLookUp)) {
        return (response as NonNullable<typeof response>).raw;
      }
      if (c.paymentStatus === 'Failed' || c.paymentStatus === 'Expired') {
        throw new Stop(call.error(terminalFailure(c, orderRef), { outcome: 'surface' }));
      }
      // Pending, or a lookup that failed in transit: keep the last real status and go on.
      if (c.kind === 'pending') {
        last = c;
        call.lastPending = c;
      }
      throw new StillPending(last);
    },
    {
      // Bounded by the poll deadline (its timer aborts the call), not by a count.
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 0,
      factor: 1,
      onFailedAttempt: async ({ error }) => {
        if (!(error instanceof StillPending)) throw error;
        const delayMs = pollDelay(call);
        // A 1000-series answer names no status, but says as much as Pending does.
        const status = last.paymentStatus ?? (last.kind === 'pending' ? 'Pending' : undefined);
        call.emit('poll', {
          delayMs,
          polls: call.polls,
          ...(status === undefined ? {} : { status }),
        });
        await call.sleep(delayMs);
      },
    },
  );
}

/** The classification a pending-timeout error is made from. */
export function pendingClassification(last: Classification | undefined): Classification {
  return {
    kind: 'pending',
    series: 'pending',
    ambiguous: false,
    paymentStatus: last?.paymentStatus ?? 'Pending',
    ...(last?.code === undefined ? {} : { code: last.code }),
  };
}
