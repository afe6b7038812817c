import type { LedgerPayment } from '../ledger.js';
import { invalid, notFound, refused, reply, succeeded } from '../shapes.js';
import { type Handler, numberOf, textOf } from './context.js';
import { duplicate } from './payments.js';

/** A link's status as PortOne spells it: Created, Success, Deleted, or as set. */
const linkStatus = (link: LedgerPayment): string => link.state ?? 'Created';

export const createPaymentLink: Handler = (context) => {
  const { body, ledger, step } = context;
  const ref = textOf(body.merchant_order_id);
  const dup = duplicate(context, 'merchant_order_id', ref);
  if (dup !== undefined) return dup;
  const link = ledger.create(ref, {
    kind: 'link',
    amount: numberOf(body.amount),
    currency: textOf(body.currency),
    // A link is paid by a customer later; `settle` scripts what its status shows.
    state: step.settle ?? 'Created',
    fields: { ...body },
  });
  return reply(200, {
    payment_link_ref: link.orderRef,
    payment_link: `https://checkout.portone.cloud?ref=${link.orderRef}`,
  });
};

function linkAnswer(link: LedgerPayment | undefined, ref: string) {
  if (link === undefined || link.kind !== 'link') return notFound('payment link', ref);
  return reply(200, {
    content: {
      merchantOrderRef: link.merchantOrderRef,
      paymentLinkRef: link.orderRef,
      status: linkStatus(link),
      transactionsList: [],
    },
    message: 'Payment link status fetched successfully',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
}

/** By the merchant's link ref (the older endpoint, and the new one under the merchant's key). */
export const getPaymentLinkStatus: Handler = ({ ledger, params }) => {
  const ref = params.merchantLinkRef ?? '';
  return linkAnswer(ledger.byMerchantRef(ref), ref);
};

/** By PortOne's link ref. */
export const getPaymentLinkStatusByPortOneRef: Handler = ({ ledger, params }) => {
  const ref = params.portOneLinkRef ?? '';
  return linkAnswer(ledger.byOrderRef(ref), ref);
};

export const updatePaymentLink: Handler = ({ ledger, params, body }) => {
  const ref = params.payment_link_ref ?? '';
  const link = ledger.byOrderRef(ref);
  if (link === undefined || link.kind !== 'link') return notFound('payment link', ref);
  Object.assign(link.fields ?? {}, body);
  return succeeded('Payment link updated successfully', {
    content: { ...link.fields, payment_link_ref: link.orderRef, status: linkStatus(link) },
  });
};

/** Only `cancelled` is allowed, answered 401 / 4001 otherwise, as PortOne's example. */
export const updatePaymentLinkStatus: Handler = ({ ledger, params }) => {
  const ref = params.payment_link_ref ?? '';
  if (params.link_status !== 'cancelled') {
    return invalid('updatePaymentLinkStatus', 'Invalid status! Only cancelled status is allowed');
  }
  const link = ledger.byOrderRef(ref);
  if (link === undefined || link.kind !== 'link') return notFound('payment link', ref);
  if (link.state === 'Success') return refused(400, 4001, 'A paid link cannot be cancelled');
  link.state = 'Cancelled';
  return succeeded('Payment link status updated successfully to cancelled');
};
