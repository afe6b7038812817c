import type { LedgerPayment } from '../ledger.js';
import { notFound, type Reply, refused, reply } from '../shapes.js';
import { type Handler, numberOf, textOf } from './context.js';

/** The refund list PortOne answers both endpoints with: what is left, and every refund made. */
function refundList(payment: LedgerPayment, ledger: Parameters<Handler>[0]['ledger']): Reply {
  const refundDetails = ledger.moves('refund', payment.orderRef).map((move, index) => ({
    refund_date: move.at,
    refund_id: '',
    psp_refund_id: `${payment.orderRef}-R${index + 1}`,
    amount: move.amount ?? 0,
    currency: move.currency ?? payment.currency ?? '',
    refund_status: 'SUCCESS',
    refund_type: move.detail ?? 'partial',
    refund_reason: '',
    merchant_id: '',
  }));
  return reply(200, { amountToRefund: (payment.amount ?? 0) - payment.refunded, refundDetails });
}

/**
 * A refund of `amount` on a successful payment, by PortOne's order_ref: partial refunds add up to
 * at most what was paid; a full refund must be exactly what is left. Beyond that: 400 / 4041.
 */
export const createRefund: Handler = ({ ledger, params, body }) => {
  const ref = params.portone_order_ref ?? '';
  const payment = ledger.byOrderRef(ref);
  if (payment === undefined || payment.kind === 'link' || payment.kind === 'subscription') {
    return notFound('transaction', ref);
  }
  if (payment.status !== 'Success') {
    return refused(
      400,
      4001,
      `Transaction ${ref} is ${payment.status}: only successful payments can be refunded`,
    );
  }
  const amount = numberOf(body.amount) ?? 0;
  const left = (payment.amount ?? 0) - payment.refunded;
  const type = textOf(body.refund_type);
  if (amount > left) {
    return refused(
      400,
      4041,
      `Refund amount ${amount} exceeds the amount left to refund (${left})`,
    );
  }
  if (type === 'full' && amount !== left) {
    return refused(400, 4041, `A full refund must be the amount left to refund (${left})`);
  }
  payment.refunded += amount;
  ledger.move({ kind: 'refund', ref, amount, currency: payment.currency, detail: type });
  return refundList(payment, ledger);
};

export const listRefunds: Handler = ({ ledger, params }) => {
  const ref = params.portone_order_ref ?? '';
  const payment = ledger.byOrderRef(ref);
  if (payment === undefined) return notFound('transaction', ref);
  return refundList(payment, ledger);
};
