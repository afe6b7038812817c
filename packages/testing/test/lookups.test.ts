/**
 * Core's lookups against the simulator: for every create and money move, the lookup request
 * `lookupPathOf` builds is one the simulator (as PortOne) serves, and `readLookup` reads its
 * answer as "not found" before the request and "done" after it. The catalogue and the double
 * checked against each other.
 */
import { OPERATIONS, type OperationInfo } from '@portone-retry/core';
import { type LookupResult, lookupPathOf, readLookup } from '@portone-retry/core/adapter';
import { PortOneBehaviour, paymentRequest } from '@portone-retry/testing';
import { describe, expect, it } from 'vitest';

type Body = Record<string, unknown>;
const op = (id: string) => OPERATIONS.find((row) => row.id === id) as OperationInfo;
const KEY = 'merchant-key';
const headers = { 'X-Portone-Client-Key': KEY };

function simulator() {
  const sim = new PortOneBehaviour();
  const call = (method: string, path: string, body?: unknown) => {
    const reply = sim.handle({
      method,
      path,
      headers: {},
      body: body === undefined ? '' : JSON.stringify(body),
    });
    if (reply.type !== 'answer') throw new Error('no answer');
    return { httpStatus: reply.status, body: reply.body };
  };
  /** Looks `ref` up as the engine would after an unknown outcome of `id`. */
  const settle = (id: string, ref: string, request: { body?: Body } = {}): LookupResult => {
    const lookup = lookupPathOf(op(id), ref, { ...request, headers });
    return readLookup(op(id), call(lookup.method, lookup.path, lookup.body), request);
  };
  return { sim, call, settle };
}

const subscriptionBase = {
  portone_key: KEY,
  signature_hash: 'S',
  source: 'api',
  environment: 'sandbox',
};

describe('lookups settle what the simulator did', () => {
  it('initiatePayment: not found, then done with its status', () => {
    const { call, settle } = simulator();
    expect(settle('initiatePayment', 'P-1')).toEqual({ state: 'not-found' });
    call('POST', '/api/initiatePayment', paymentRequest('P-1'));
    expect(settle('initiatePayment', 'P-1')).toEqual({ state: 'done', status: 'Success' });
  });

  it('createPaymentLink: at the link status, under the merchant key', () => {
    const { call, settle } = simulator();
    const body = {
      portone_key: KEY,
      merchant_details: { name: 'Shop', promo_discount: 0, shipping_charges: 0 },
      merchant_order_id: 'L-1',
      signature_hash: 'S',
      environment: 'sandbox',
      amount: 100,
      currency: 'THB',
      country_code: 'TH',
      success_url: 's',
      failure_url: 'f',
      source: 'api',
    };
    expect(settle('createPaymentLink', 'L-1', { body })).toEqual({ state: 'not-found' });
    call('POST', '/api/paymentLink', body);
    expect(settle('createPaymentLink', 'L-1', { body })).toEqual({
      state: 'done',
      status: 'Pending',
    });
  });

  it('createPlan, createSubscription and createDeduction', () => {
    const { call, settle } = simulator();
    expect(settle('createPlan', 'PLAN-1')).toEqual({ state: 'not-found' });
    const plan = JSON.parse(
      call('POST', '/api/subscription/createPlan', {
        ...subscriptionBase,
        merchant_order_ref: 'PLAN-1',
        name: 'on demand',
        currency: 'THB',
        plan_type: 'ONDEMAND',
      }).body,
    ) as Body;
    expect(settle('createPlan', 'PLAN-1')).toEqual({ state: 'done' });

    expect(settle('createSubscription', 'SUB-1')).toEqual({ state: 'not-found' });
    const sub = JSON.parse(
      call('POST', '/api/subscription/createSubscription', {
        ...subscriptionBase,
        merchant_order_ref: 'SUB-1',
        currency: 'THB',
        plan_order_ref: plan.order_ref,
        success_url: 's',
        failure_url: 'f',
        pending_url: 'p',
        subscription_type: 'ONDEMAND',
      }).body,
    ) as Body;
    expect(settle('createSubscription', 'SUB-1')).toEqual({ state: 'done' });

    expect(settle('createDeduction', 'DED-1')).toEqual({ state: 'not-found' });
    call('POST', '/api/subscription/createDeduction', {
      ...subscriptionBase,
      merchant_order_ref: 'DED-1',
      subscription_order_ref: sub.order_ref,
      amount: 10,
      currency: 'THB',
    });
    expect(settle('createDeduction', 'DED-1')).toEqual({ state: 'done', status: 'Success' });
  });

  it('createRefund: compared with the refund list', () => {
    const { call, settle } = simulator();
    const paid = JSON.parse(
      call('POST', '/api/initiatePayment', paymentRequest('R-1')).body,
    ) as Body;
    const ref = String(paid.order_ref);
    const body = {
      amount: 400,
      channel: 'MOMOPAY',
      description: 'd',
      environment: 'sandbox',
      refund_type: 'partial',
      refund_reason: 'r',
    };
    expect(settle('createRefund', ref, { body })).toEqual({ state: 'not-found' });
    call('POST', `/api/refund/${ref}`, body);
    expect(settle('createRefund', ref, { body })).toEqual({ state: 'done', status: 'Success' });
    expect(settle('createRefund', 'NOPE', { body })).toEqual({ state: 'not-found' });
  });

  it('captureTransaction: by the transaction details, under the client key', () => {
    const { call, settle } = simulator();
    const paid = JSON.parse(
      call('POST', '/api/initiatePayment', paymentRequest('C-1', { transaction_type: 'PREAUTH' }))
        .body,
    ) as Body;
    const ref = String(paid.order_ref);
    expect(settle('captureTransaction', ref)).toEqual({ state: 'not-found' });
    call('POST', `/api/transaction/${ref}/capture`);
    expect(settle('captureTransaction', ref)).toEqual({ state: 'done', status: 'Success' });
  });

  it('updateTransactionStatus: by reading the status back', () => {
    const { call, settle } = simulator();
    call('POST', '/api/initiatePayment', paymentRequest('U-1'));
    const body = { merchant_order_ref: 'U-1', status: 'Failed', signature: 'S' };
    expect(settle('updateTransactionStatus', 'U-1', { body })).toEqual({ state: 'not-found' });
    call('PUT', '/api/transaction/status', body);
    expect(settle('updateTransactionStatus', 'U-1', { body })).toEqual({
      state: 'done',
      status: 'Failed',
    });
  });

  it('payouts: created, approved and cancelled, each settled by its lookup', () => {
    const { call, sim, settle } = simulator();
    const body = {
      key: KEY,
      channel_key: 'GBPRIMEPAY_PAYOUT',
      signature_hash: 'S',
      environment: 'sandbox',
      txn_details: {
        virtual_acc_no: 'VA',
        amount: 100,
        currency: 'THB',
        txn_ref: 'T-1',
        bank_details: { account_no: '1', account_type: 'BANK', account_name: 'A' },
      },
    };
    expect(settle('createPayout', 'T-1', { body })).toEqual({ state: 'not-found' });
    call('POST', '/api/payout/transaction', body);
    expect(settle('createPayout', 'T-1', { body })).toEqual({ state: 'done', status: 'Pending' });

    const txnRef = [...sim.ledger.payouts.keys()][0] as string;
    const approve = {
      approver_email: 'a@b.c',
      approver_name: 'A',
      otp: '1',
      txn_refs: [txnRef],
      signature_hash: 'S',
      environment: 'sandbox',
    };
    expect(settle('approvePayouts', txnRef, { body: approve })).toEqual({ state: 'not-found' });
    expect(settle('cancelPayout', txnRef)).toEqual({ state: 'not-found' });
    call('POST', '/api/merchant/payout/approve', approve);
    expect(settle('approvePayouts', txnRef, { body: approve })).toEqual({
      state: 'done',
      status: 'Success',
    });
  });

  it('triggerNextDeduction: not found without the subscription, else unknown (earlier deductions look the same)', () => {
    const { call, settle } = simulator();
    expect(settle('triggerNextDeduction', 'NO-SUB')).toEqual({ state: 'not-found' });
    const plan = JSON.parse(
      call('POST', '/api/subscription/createPlan', {
        ...subscriptionBase,
        merchant_order_ref: 'PLAN-R',
        name: 'monthly',
        currency: 'THB',
        plan_type: 'REGULAR',
        amount: 100,
        frequency: 1,
        period: 'M',
      }).body,
    ) as Body;
    const sub = JSON.parse(
      call('POST', '/api/subscription/createSubscription', {
        ...subscriptionBase,
        merchant_order_ref: 'SUB-R',
        currency: 'THB',
        plan_order_ref: plan.order_ref,
        success_url: 's',
        failure_url: 'f',
        pending_url: 'p',
        subscription_type: 'REGULAR',
      }).body,
    ) as Body;
    const ref = String(sub.order_ref);
    expect(settle('triggerNextDeduction', ref)).toEqual({ state: 'unknown' });
    call('PUT', '/api/subscription/triggerNextDeduction', {
      portone_key: KEY,
      subscription_order_ref: ref,
      environment: 'sandbox',
    });
    expect(settle('triggerNextDeduction', ref)).toEqual({ state: 'unknown' });
  });
});
