import { lookupCode } from '../catalogue/index.js';
import type { Classification } from '../types.js';

/**
 * The classification of a payment that ended Failed or Expired while it was followed (polled
 * or reconciled). A Failed payment is a decline for the customer (a generic message unless the
 * answer carries a card code); an Expired one is 4072 TRANSACTION_EXPIRED: start again.
 */
export function terminalFailure(c: Classification, orderRef: string | undefined): Classification {
  const ref = orderRef ?? c.orderRef;
  const ended = `payment ${ref ?? ''} ended ${c.paymentStatus}`.replace('  ', ' ');
  if (c.paymentStatus === 'Expired') {
    const info = lookupCode(4072);
    return {
      ...c,
      kind: 'error',
      series: 'validation',
      code: 4072,
      status: info?.status ?? 'TRANSACTION_EXPIRED',
      ...(info === undefined ? {} : { info }),
      message: ended,
      ...(ref === undefined ? {} : { orderRef: ref }),
    };
  }
  // The status answer's own code (2000) says the lookup worked, not why the payment failed: only
  // a card code in the body is kept, so the customer message can name the decline.
  const { code: _code, info: _info, ...rest } = c;
  const cardCode = c.series === 'card';
  return {
    ...(cardCode ? c : rest),
    kind: 'error',
    series: 'card',
    status: cardCode ? (c.status ?? 'Failed') : 'Failed',
    message: ended,
    ...(ref === undefined ? {} : { orderRef: ref }),
  };
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
