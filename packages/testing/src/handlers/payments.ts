import type { PaymentStatus } from '@portone-retry/core';
import { envelope } from '../envelope.js';
import type { LedgerPayment } from '../ledger.js';
import {
  badSignature,
  invalid,
  notFound,
  type Reply,
  refused,
  reply,
  succeeded,
  timestamp,
} from '../shapes.js';
import { signatureOf } from '../signature.js';
import { type Handler, numberOf, type RouteContext, textOf } from './context.js';

/** A payment as PortOne's transaction status shows it, settling a pending one poll by poll. */
function pollStatus(payment: LedgerPayment): PaymentStatus {
  if (payment.status === 'Pending') {
    if (payment.pollsLeft > 0) payment.pollsLeft--;
    else payment.status = payment.settleTo;
  }
  return payment.status;
}

/** Creates a payment (initiatePayment, createDeduction), honouring `pending` and `settle`. */
export function createPayment(
  { ledger, step }: RouteContext,
  ref: string,
  kind: 'payment' | 'deduction',
  fields: Record<string, unknown>,
): LedgerPayment {
  const pending = step.pending !== undefined && step.pending > 0;
  return ledger.create(ref, {
    kind,
    amount: numberOf(fields.amount),
    currency: textOf(fields.currency) || undefined,
    status: pending ? 'Pending' : (step.settle ?? 'Success'),
    pollsLeft: step.pending ?? 0,
    settleTo: step.settle ?? 'Success',
    transactionType: fields.transaction_type === 'PREAUTH' ? 'PREAUTH' : 'PURCHASE',
    fields,
  });
}

/** A repeated merchant ref: 400 / `4002`, unless the simulator was told not to dedupe. */
export function duplicate(context: RouteContext, field: string, ref: string): Reply | undefined {
  if (!context.dedupe || context.ledger.count(ref) === 0) return undefined;
  return refused(400, 4002, `duplicate ${field}: ${ref}`);
}

export const initiatePayment: Handler = (context) => {
  const { body, merchant } = context;
  const ref = textOf(body.merchant_order_id);
  if (ref === '') return invalid('initiatePayment', 'merchant_order_id is a required field');
  if (merchant !== undefined) {
    const fields = { ...body, client_key: merchant.key };
    if (body.signature_hash !== signatureOf('payment', fields, merchant.secret)) {
      return badSignature();
    }
  }
  const dup = duplicate(context, 'merchant_order_id', ref);
  if (dup !== undefined) return dup;
  const payment = createPayment(context, ref, 'payment', { ...body });
  if (payment.status === 'Pending') {
    return reply(
      200,
      envelope(1000, 'payment pending', {
        status: 'Pending',
        order_ref: payment.orderRef,
        merchant_order_ref: ref,
      }),
    );
  }
  // Success carries `is_success` and no status_code, exactly as PortOne's example.
  return reply(200, {
    is_success: true,
    redirect_url: `https://checkout.portone.cloud/pay/${payment.orderRef}`,
    channel_order_ref: `CH${payment.orderRef}`,
    merchant_order_ref: ref,
    order_ref: payment.orderRef,
    message: '',
    deep_link: '',
    additional_data: null,
    qrcode_url: `https://image.portone.cloud/${payment.orderRef}-qrcode.jpeg`,
    expiry_in_minutes: '20',
  });
};

/** By the MERCHANT's order ref only, as the spec's `{merchantOrderRef}` says; links are not transactions. */
export const getTransactionStatus: Handler = ({ ledger, params }) => {
  const ref = params.merchantOrderRef ?? '';
  const payment = ledger.byMerchantRef(ref);
  if (payment === undefined || (payment.kind !== 'payment' && payment.kind !== 'deduction')) {
    return notFound('transaction', ref);
  }
  const status = pollStatus(payment);
  return reply(200, {
    content: { channel_order_ref: `CH${payment.orderRef}`, order_ref: payment.orderRef, status },
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

/** The payment's status as the details show it: an uncaptured PREAUTH reads `Authorised`. */
const detailStatus = (payment: LedgerPayment): string =>
  payment.transactionType === 'PREAUTH' && payment.status === 'Success' && !payment.captured
    ? 'Authorised'
    : payment.status;

/** By PortOne's order_ref, in the body. */
export const getTransactionDetails: Handler = ({ ledger, body }) => {
  const ref = textOf(body.order_ref);
  const payment = ledger.byOrderRef(ref);
  if (payment === undefined) {
    return refused(400, 4096, 'Transaction record with given reference not found');
  }
  return reply(200, {
    content: transactionContent(payment),
    message: 'Transaction details fetched successfully',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

/** One transaction as the details and fetch-all-payments show it. */
export function transactionContent(payment: LedgerPayment): Record<string, unknown> {
  const fields = payment.fields ?? {};
  const refundLeft = (payment.amount ?? 0) - payment.refunded;
  return {
    currency: payment.currency ?? '',
    amount: payment.amount ?? 0,
    order_ref: payment.orderRef,
    channel_order_ref: `CH${payment.orderRef}`,
    merchant_order_ref: payment.merchantOrderRef,
    country_code: textOf(fields.country_code),
    status: detailStatus(payment),
    channel_key: textOf(fields.pmt_channel),
    method_name: textOf(fields.pmt_method),
    method_key: textOf(fields.pmt_method),
    description: textOf(fields.description),
    date: timestamp(),
    is_refund_allowed: payment.status === 'Success' && refundLeft > 0,
    is_multi_refund_allowed: true,
    refund_completed: payment.refunded > 0 && refundLeft <= 0,
    refund_status: payment.refunded > 0 ? 'SUCCESS' : '',
    source: 'api',
    subscription_order_ref: textOf(fields.subscription_order_ref),
    is_cross_border_transaction: false,
  };
}

/** Only an authorised (PREAUTH, uncaptured, successful) payment, by PortOne's order_ref. */
export const captureTransaction: Handler = ({ ledger, params }) => {
  const ref = params.order_ref ?? '';
  const payment = ledger.byOrderRef(ref);
  if (payment === undefined) return refused(404, 5001, 'transaction not found');
  if (detailStatus(payment) !== 'Authorised') {
    return refused(
      400,
      4001,
      `Transaction ${ref} is not authorised: only authorised payments can be captured`,
    );
  }
  payment.captured = true;
  ledger.move({ kind: 'capture', ref, amount: payment.amount, currency: payment.currency });
  return succeeded('Transaction captured successfully');
};

/** Sets a payment's status (cash on delivery), by merchant order ref. */
export const updateTransactionStatus: Handler = ({ ledger, body }) => {
  const ref = textOf(body.merchant_order_ref);
  const payment = ledger.byMerchantRef(ref);
  if (payment === undefined) return notFound('transaction', ref);
  const status = textOf(body.status);
  if (!['Success', 'Failed', 'Pending', 'Expired'].includes(status)) {
    return invalid(
      'updateTransactionStatus',
      'status must be one of [Success Failed Pending Expired]',
    );
  }
  payment.status = status as PaymentStatus;
  payment.pollsLeft = 0;
  ledger.move({ kind: 'status', ref, amount: payment.amount, detail: status });
  return succeeded(`Transaction status updated successfully to ${status}`);
};

const UPDATABLE = [
  'description',
  'user_configured_field1',
  'user_configured_field2',
  'user_configured_field3',
  'user_configured_field4',
  'user_configured_field5',
];

export const updateTransactionDetails: Handler = ({ ledger, params, body }) => {
  const ref = params.merchant_order_ref ?? '';
  const payment = ledger.byMerchantRef(ref);
  if (payment === undefined) return notFound('transaction', ref);
  const content = Object.fromEntries(UPDATABLE.filter((k) => k in body).map((k) => [k, body[k]]));
  Object.assign(payment.fields ?? {}, content);
  return succeeded('Transaction details updated successfully', { content });
};

/** The ledger's payments, a page at a time (`status_message`, as the example has it). */
export const fetchAllPayments: Handler = ({ ledger, body }) => {
  const page = Math.max(1, numberOf(body.page) ?? 1);
  const size = Math.max(1, numberOf(body.size) ?? 10);
  const all = ledger.entries().filter((p) => p.kind === 'payment' || p.kind === 'deduction');
  const content = all.slice((page - 1) * size, page * size).map(transactionContent);
  return reply(200, {
    body: {
      content,
      total_elements: all.length,
      total_pages: Math.ceil(all.length / size),
      size,
      page,
      number_of_elements: content.length,
    },
    status_code: '2000',
    status_message: 'SUCCESS',
  });
};
