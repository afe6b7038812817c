/**
 * Money in the simulator moves as PortOne moves it, exactly once per request: refunds bounded by
 * what was paid, captures only of authorised payments, deductions, payouts, and signatures
 * checked when the simulator holds the merchant's secret.
 */
import { createHmac } from 'node:crypto';
import { createPolicy } from '@portone-retry/core';
import {
  PortOneBehaviour,
  paymentRequest,
  type SimulatorOptions,
  startSimulator,
  testPolicy,
} from '@portone-retry/testing';
import { describe, expect, it } from 'vitest';

type Body = Record<string, unknown>;

/** One request to the shared behaviour, answered synchronously. */
function client(options: SimulatorOptions = {}) {
  const sim = new PortOneBehaviour(options);
  const call = (method: string, path: string, body?: unknown) => {
    const reply = sim.handle({
      method,
      path,
      headers: {},
      body: body === undefined ? '' : JSON.stringify(body),
    });
    if (reply.type !== 'answer') throw new Error('no answer');
    return { status: reply.status, body: JSON.parse(reply.body || 'null') as Body };
  };
  const pay = (ref: string, fields: Body = {}) => {
    const answer = call('POST', '/api/initiatePayment', paymentRequest(ref, fields));
    return { ...answer, orderRef: String(answer.body.order_ref) };
  };
  return { sim, call, pay };
}

const refund = (amount: number, refund_type = 'partial') => ({
  amount,
  channel: 'MOMOPAY',
  description: 'refund',
  environment: 'sandbox',
  refund_type,
  refund_reason: 'customer asked',
});

describe('refunds', () => {
  it('are bounded by what was paid, partial and full, each recorded once', () => {
    const { sim, call, pay } = client();
    const { orderRef } = pay('ORDER-R', { amount: 1000 });

    const first = call('POST', `/api/refund/${orderRef}`, refund(400));
    expect(first.status).toBe(200);
    expect(first.body.amountToRefund).toBe(600);
    expect(first.body.refundDetails).toEqual([
      expect.objectContaining({ amount: 400, refund_status: 'SUCCESS', refund_type: 'partial' }),
    ]);

    const beyond = call('POST', `/api/refund/${orderRef}`, refund(700));
    expect([beyond.status, beyond.body.status_code]).toEqual([400, '4041']);
    const notAll = call('POST', `/api/refund/${orderRef}`, refund(500, 'full'));
    expect([notAll.status, notAll.body.status_code]).toEqual([400, '4041']);

    const rest = call('POST', `/api/refund/${orderRef}`, refund(600, 'full'));
    expect(rest.body.amountToRefund).toBe(0);
    expect(call('POST', `/api/refund/${orderRef}`, refund(1)).body.status_code).toBe('4041');

    expect(sim.ledger.moves('refund', orderRef).map((m) => m.amount)).toEqual([400, 600]);
    expect(call('GET', `/api/refund/${orderRef}`).body.refundDetails).toHaveLength(2);
  });

  it("take PortOne's order_ref, not the merchant's, and only of a successful payment", () => {
    const { sim, call, pay } = client();
    pay('ORDER-M');
    expect(call('POST', '/api/refund/ORDER-M', refund(1)).body.status_code).toBe('5001');
    sim.script.add('POST /api/initiatePayment', [{ pending: 5 }]);
    const { body } = pay('ORDER-P');
    const pending = (body.content as Body).order_ref;
    expect(call('POST', `/api/refund/${pending}`, refund(1)).body.status_code).toBe('4001');
    expect(sim.ledger.moves('refund')).toEqual([]);
  });

  it('validate the request as PortOne does', () => {
    const { call, pay } = client();
    const { orderRef } = pay('ORDER-V');
    const { amount: _amount, ...noAmount } = refund(1);
    expect(call('POST', `/api/refund/${orderRef}`, noAmount).body).toEqual({
      message: 'amount is a required field',
      status_code: '4001',
      status_reason: 'INVALID_REQUEST',
    });
    expect(call('POST', `/api/refund/${orderRef}`, refund(-5)).body.message).toBe(
      'amount must be a number greater than 0',
    );
  });
});

describe('captures', () => {
  it('capture an authorised payment once, and nothing else', () => {
    const { sim, call, pay } = client();
    const purchase = pay('ORDER-BUY');
    expect(call('POST', `/api/transaction/${purchase.orderRef}/capture`).body.status_code).toBe(
      '4001',
    );

    const auth = pay('ORDER-AUTH', { transaction_type: 'PREAUTH', amount: 300 });
    const details = () =>
      call('POST', '/api/KEY/transaction-details', { order_ref: auth.orderRef }).body
        .content as Body;
    expect(details().status).toBe('Authorised');
    const captured = call('POST', `/api/transaction/${auth.orderRef}/capture`);
    expect(captured).toEqual({
      status: 200,
      body: {
        message: 'Transaction captured successfully',
        status_code: '2000',
        status_reason: 'SUCCESS',
      },
    });
    expect(details().status).toBe('Success');
    expect(call('POST', `/api/transaction/${auth.orderRef}/capture`).status).toBe(400);
    expect(call('POST', '/api/transaction/NOPE/capture').status).toBe(404);
    expect(sim.ledger.moves('capture')).toEqual([
      expect.objectContaining({ ref: auth.orderRef, amount: 300 }),
    ]);
  });
});

describe('subscriptions and deductions', () => {
  const base = { portone_key: 'K', signature_hash: 'S', source: 'api', environment: 'sandbox' };
  function subscribed(type: 'REGULAR' | 'ONDEMAND') {
    const c = client();
    const plan = c.call('POST', '/api/subscription/createPlan', {
      ...base,
      merchant_order_ref: `PLAN-${type}`,
      name: 'monthly',
      currency: 'THB',
      plan_type: type,
      amount: 100,
      frequency: 1,
      period: 'M',
    });
    expect(plan.body).toEqual({
      merchant_order_ref: `PLAN-${type}`,
      order_ref: expect.any(String),
      status_code: '2000',
    });
    const sub = c.call('POST', '/api/subscription/createSubscription', {
      ...base,
      merchant_order_ref: `SUB-${type}`,
      currency: 'THB',
      plan_order_ref: plan.body.order_ref,
      success_url: 's',
      failure_url: 'f',
      pending_url: 'p',
      subscription_type: type,
      quantity: 2,
    });
    expect(sub.body).toMatchObject({ is_success: 'true', status_code: '2000' });
    return { ...c, subscription: String(sub.body.order_ref) };
  }

  it('an on-demand deduction charges once under its own merchant ref', () => {
    const { sim, call, subscription } = subscribed('ONDEMAND');
    const deduction = {
      ...base,
      merchant_order_ref: 'DED-1',
      subscription_order_ref: subscription,
      amount: 50,
      currency: 'THB',
    };
    expect(call('POST', '/api/subscription/createDeduction', deduction).body).toMatchObject({
      is_success: 'true',
      status: 'Initiated',
    });
    expect(call('POST', '/api/subscription/createDeduction', deduction).body.status_code).toBe(
      '4002',
    );
    expect(call('GET', '/api/transaction/DED-1/status').body.content).toMatchObject({
      status: 'Success',
    });
    expect(sim.ledger.moves('deduction', subscription)).toHaveLength(1);
    expect(call('GET', `/api/subscription/${subscription}/txns-records`).body.content).toHaveLength(
      1,
    );
  });

  it('each next deduction of a regular subscription is one charge of plan × quantity', () => {
    const { sim, call, subscription } = subscribed('REGULAR');
    const trigger = {
      portone_key: 'K',
      subscription_order_ref: subscription,
      environment: 'sandbox',
    };
    expect(call('PUT', '/api/subscription/triggerNextDeduction', trigger).body.message).toBe(
      'The next deduction should happen shortly',
    );
    call('PUT', '/api/subscription/triggerNextDeduction', trigger);
    expect(sim.ledger.moves('deduction', subscription).map((m) => m.amount)).toEqual([200, 200]);
    const cancelled = call('PUT', `/api/subscription/${subscription}/status/cancelled`);
    expect(cancelled.body.is_success).toBe('true');
    expect(call('PUT', '/api/subscription/triggerNextDeduction', trigger).status).toBe(400);
    expect(sim.ledger.moves('deduction', subscription)).toHaveLength(2);
  });
});

describe('payouts', () => {
  it('move money once, at approval; an approved payout cannot be cancelled', () => {
    const { sim, call } = client();
    const payout = {
      key: 'K',
      channel_key: 'GBPRIMEPAY_PAYOUT',
      signature_hash: 'S',
      environment: 'sandbox',
      txn_details: {
        virtual_acc_no: 'VA-1',
        amount: 100,
        currency: 'THB',
        txn_ref: 'TXN-1',
        bank_details: { account_no: '1', account_type: 'BANK', account_name: 'A' },
      },
    };
    expect(call('POST', '/api/payout/transaction', payout).body.is_success).toBe('true');
    expect(call('POST', '/api/payout/transaction', payout).body.status_code).toBe('4002');
    const list = call('POST', '/api/merchant/K/payouts', {
      page: 1,
      pagesize: 10,
      from: 'a',
      to: 'b',
      merchants_keys: ['K'],
      environment: 'sandbox',
    }).body.content as Body[];
    expect(list).toEqual([
      expect.objectContaining({ merchant_txn_ref: 'TXN-1', status: 'Created' }),
    ]);
    const ref = String(list[0]?.txn_ref);
    const approve = {
      approver_email: 'a@b.c',
      approver_name: 'A',
      otp: '123456',
      txn_refs: [ref],
      signature_hash: 'S',
      environment: 'sandbox',
    };
    call('POST', '/api/merchant/payout/approve', approve);
    call('POST', '/api/merchant/payout/approve', approve);
    expect(call('GET', `/api/payout/${ref}/status`).body).toEqual({ Status: 'Success' });
    expect(sim.ledger.moves('payout', 'TXN-1')).toHaveLength(1);
    expect(call('PUT', `/api/payout/${ref}/status/Cancelled`).status).toBe(400);
    expect(call('GET', '/api/payout/va/VA-1/balance').body).toEqual({ Balance: -100 });
  });
});

describe('payment links', () => {
  it('are found at their link status, never at the transaction status', () => {
    const { call } = client();
    const link = call('POST', '/api/paymentLink', {
      portone_key: 'K',
      merchant_details: { name: 'Shop', promo_discount: 0, shipping_charges: 0 },
      merchant_order_id: 'LINK-1',
      signature_hash: 'S',
      environment: 'sandbox',
      amount: 100,
      currency: 'THB',
      country_code: 'TH',
      success_url: 's',
      failure_url: 'f',
      source: 'api',
    });
    expect(Object.keys(link.body)).toEqual(['payment_link_ref', 'payment_link']);
    expect(call('GET', '/api/transaction/LINK-1/status').body.status_code).toBe('5001');
    const byMerchant = call('GET', '/api/merchant/K/paymentLink/LINK-1/status').body;
    expect(byMerchant.content).toMatchObject({ merchantOrderRef: 'LINK-1', status: 'Created' });
    const ref = String(link.body.payment_link_ref);
    expect(call('GET', `/api/paymentLink/${ref}/fetch-status`).body.content).toMatchObject({
      status: 'Created',
    });
    expect(call('PUT', `/api/paymentLink/${ref}/status/paid`).body).toMatchObject({
      status_code: '4001',
      message: 'Invalid status! Only cancelled status is allowed',
    });
  });
});

describe('signatures', () => {
  const merchant = { key: 'merchant-key', secret: 'merchant-secret' };

  it('are computed as PortOne documents them (checked against node:crypto)', () => {
    const { call } = client({ signatures: merchant });
    const fields = {
      portone_key: merchant.key,
      currency: 'THB',
      amount: 100.5,
      merchant_order_id: 'ORDER 1&2',
      success_url: 'https://s.example/ok?a=b',
      failure_url: 'https://s.example/no',
    };
    const query =
      'amount=100.5&client_key=merchant-key&currency=THB&failure_url=https%3A%2F%2Fs.example%2Fno' +
      '&merchant_order_id=ORDER+1%262&success_url=https%3A%2F%2Fs.example%2Fok%3Fa%3Db';
    const expected = createHmac('sha256', merchant.secret).update(query).digest('base64');
    const answer = call('POST', '/api/merchant/generate-signature', fields).body;
    expect((answer.content as Body).signature).toBe(expected);
  });

  it('are verified only when the simulator holds the merchant key and secret', () => {
    const checked = client({ signatures: merchant });
    expect(checked.pay('S-1', { signWith: merchant }).status).toBe(200);
    const tampered = paymentRequest('S-2', { signWith: merchant });
    tampered.amount = 1;
    const refused = checked.call('POST', '/api/initiatePayment', tampered);
    expect([refused.status, refused.body.status_code]).toEqual([401, '4011']);
    expect(checked.sim.ledger.count('S-2')).toBe(0);
    expect(client().pay('S-3', { signature_hash: 'anything' }).status).toBe(200);
  });
});

describe('the simulator’s handles', () => {
  it('counts wildcard routes as script matches them', async () => {
    const sim = await startSimulator();
    try {
      await fetch(`${sim.url}/api/transaction/A/status`);
      await fetch(`${sim.url}/api/transaction/B/status`);
      expect(sim.requests('GET /api/transaction/*/status')).toBe(2);
      expect(sim.requests('/api/transaction/A/status')).toBe(1);
      expect(sim.requests('POST /api/transaction/*/status')).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('issues an auth token as PortOne does, to a request without one', () => {
    const { call } = client({ auth: { key: 'K', secret: 'secret' } });
    const answer = call('POST', '/api/merchant/auth-token', {
      portone_key: 'K',
      portone_secret: 'secret',
    });
    expect(answer.body).toMatchObject({ status_code: '2000', content: { expires_in: 21600 } });
    const token = String((answer.body.content as Body).token);
    const [head, payload, signature] = token.split('.');
    expect(createHmac('sha256', 'secret').update(`${head}.${payload}`).digest('base64url')).toBe(
      signature,
    );
    expect(
      call('POST', '/api/merchant/auth-token', { portone_key: 'X', portone_secret: 'secret' }).body
        .status_code,
    ).toBe('4016');
  });
});

describe('testPolicy', () => {
  it('keeps the default decisions with millisecond waits, and takes overrides', () => {
    const policy = testPolicy({ retries: 1 });
    expect(policy.settings).toMatchObject({
      minDelayMs: 1,
      maxDelayMs: 10,
      pollIntervalMs: 1,
      retries: 1,
    });
    const answer = { kind: 'error', series: 'system', code: 5024, retryable: true } as const;
    expect(policy.ruleFor(answer as never).outcome).toBe(
      createPolicy().ruleFor(answer as never).outcome,
    );
  });
});

describe('scripted bad days on money moves', () => {
  it('{ code, processed: true } moves the money, then answers the failure', () => {
    const { sim, call, pay } = client();
    const { orderRef } = pay('ORDER-5025', { amount: 1000 });
    sim.script.add('POST /api/refund/*', [{ code: 5025, processed: true }, { code: 5024 }]);
    const lost = call('POST', `/api/refund/${orderRef}`, refund(400));
    expect([lost.status, lost.body.status_code]).toEqual([500, '5025']);
    expect(sim.ledger.moves('refund', orderRef)).toHaveLength(1);
    expect(call('POST', `/api/refund/${orderRef}`, refund(400)).body.status_code).toBe('5024');
    expect(sim.ledger.moves('refund', orderRef)).toHaveLength(1);
  });
});
