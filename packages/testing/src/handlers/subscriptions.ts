import type { LedgerPayment, LedgerPlan } from '../ledger.js';
import { badSignature, invalid, type Reply, refused, reply, timestamp } from '../shapes.js';
import { signatureOf } from '../signature.js';
import { type Handler, numberOf, type RouteContext, textOf } from './context.js';
import { createPayment, duplicate } from './payments.js';

/** "Plan does not exist with this order ref": 400 / 4001, as PortOne's examples. */
const missing = (what: 'Plan' | 'Subscription'): Reply =>
  refused(400, 4001, `${what} does not exist with this order ref`);
const missingSubscription = (): Reply => {
  const answer = missing('Subscription');
  return reply(answer.status, { is_success: 'false', ...(answer.body as object) });
};

/**
 * The spec's `{orderRef}` does not say whose ref it is: the simulator finds a plan or a
 * subscription by PortOne's order_ref or by the merchant's.
 */
function planOf(ledger: RouteContext['ledger'], ref: string): LedgerPlan | undefined {
  return (
    ledger.plans.get(ref) ?? [...ledger.plans.values()].find((p) => p.merchantOrderRef === ref)
  );
}

function subscriptionOf(ledger: RouteContext['ledger'], ref: string): LedgerPayment | undefined {
  const found = ledger.byOrderRef(ref) ?? ledger.byMerchantRef(ref);
  return found?.kind === 'subscription' ? found : undefined;
}

/** With the merchant's secret: `signature_hash` as PortOne computes it, else 4011. */
function signatureFails(
  { merchant, body }: RouteContext,
  kind: 'plan' | 'ondemand-plan' | 'ondemand-subscription',
): boolean {
  if (merchant === undefined) return false;
  return (
    body.signature_hash !==
    signatureOf(kind, { ...body, client_key: merchant.key }, merchant.secret)
  );
}

export const createPlan: Handler = (context) => {
  const { body, ledger } = context;
  const regular = body.plan_type === 'REGULAR';
  if (regular) {
    for (const field of ['amount', 'frequency', 'period']) {
      if (body[field] === undefined) return invalid('createPlan', `${field} is a required field`);
    }
  }
  if (signatureFails(context, regular ? 'plan' : 'ondemand-plan')) return badSignature();
  const ref = textOf(body.merchant_order_ref);
  if (context.dedupe && [...ledger.plans.values()].some((p) => p.merchantOrderRef === ref)) {
    return refused(400, 4002, `duplicate merchant_order_ref: ${ref}`);
  }
  const orderRef = ledger.nextRef();
  ledger.plans.set(orderRef, {
    merchantOrderRef: ref,
    orderRef,
    fields: { ...body },
    active: true,
  });
  return reply(200, { merchant_order_ref: ref, order_ref: orderRef, status_code: '2000' });
};

export const getPlan: Handler = ({ ledger, params }) => {
  const plan = planOf(ledger, params.orderRef ?? '');
  if (plan === undefined) return missing('Plan');
  const f = plan.fields;
  return reply(200, {
    content: {
      amount: numberOf(f.amount) ?? 0,
      portone_key: textOf(f.portone_key),
      currency: textOf(f.currency),
      description: textOf(f.description),
      environment: textOf(f.environment),
      frequency: numberOf(f.frequency) ?? 0,
      merchant_order_ref: plan.merchantOrderRef,
      name: textOf(f.name),
      notes: Array.isArray(f.notes) ? f.notes : [],
      order_ref: plan.orderRef,
      period: textOf(f.period),
      is_active: plan.active,
      plan_type: textOf(f.plan_type),
    },
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

export const updatePlanStatus: Handler = ({ ledger, params }) => {
  const plan = planOf(ledger, params.orderRef ?? '');
  if (plan === undefined) return missing('Plan');
  if (params.status !== 'cancelled') {
    return refused(400, 4001, 'Invalid status! Only cancelled status is allowed');
  }
  plan.active = false;
  return reply(200, {
    message: 'Plan status updated successfully to cancelled',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

export const createSubscription: Handler = (context) => {
  const { body, ledger } = context;
  const ondemand = body.subscription_type === 'ONDEMAND';
  if (ondemand && signatureFails(context, 'ondemand-subscription')) return badSignature();
  const plan = planOf(ledger, textOf(body.plan_order_ref));
  if (plan === undefined || !plan.active) return missingSubscriptionPlan();
  const ref = textOf(body.merchant_order_ref);
  const dup = duplicate(context, 'merchant_order_ref', ref);
  if (dup !== undefined) return dup;
  const subscription = ledger.create(ref, {
    kind: 'subscription',
    currency: textOf(body.currency),
    state: 'Created',
    fields: { ...body, plan_order_ref: plan.orderRef },
  });
  return reply(200, {
    is_success: 'true',
    merchant_order_ref: ref,
    order_ref: subscription.orderRef,
    status_code: '2000',
    subscription_link: `https://subscription.portone.cloud/?ref=${subscription.orderRef}`,
  });
};

const missingSubscriptionPlan = (): Reply =>
  reply(400, {
    is_success: 'false',
    message: 'Plan does not exist with this order ref',
    status_code: '4001',
    status_reason: 'INVALID_REQUEST',
  });

/** What one regular deduction charges: the plan's amount times the quantity. */
function nextAmount(ledger: RouteContext['ledger'], subscription: LedgerPayment): number {
  const fields = subscription.fields ?? {};
  const plan = planOf(ledger, textOf(fields.plan_order_ref));
  return (numberOf(plan?.fields.amount) ?? 0) * (numberOf(fields.quantity) ?? 1);
}

const deductionsOf = (ledger: RouteContext['ledger'], subscription: LedgerPayment) =>
  ledger
    .entries()
    .filter(
      (p) => p.kind === 'deduction' && p.fields?.subscription_order_ref === subscription.orderRef,
    );

export const getSubscription: Handler = ({ ledger, params }) => {
  const subscription = subscriptionOf(ledger, params.orderRef ?? '');
  if (subscription === undefined) return missingSubscription();
  const f = subscription.fields ?? {};
  const deductions = deductionsOf(ledger, subscription).filter((p) => p.status === 'Success');
  const collected = deductions.reduce((sum, p) => sum + (p.amount ?? 0), 0);
  const plan = planOf(ledger, textOf(f.plan_order_ref));
  return reply(200, {
    content: {
      additional_costs: Array.isArray(f.additional_costs) ? f.additional_costs : [],
      allow_accumulate: textOf(f.allow_accumulate),
      portone_key: textOf(f.portone_key),
      created_at: timestamp(),
      currency: textOf(f.currency),
      country_code: '',
      customer_email_address: textOf(f.customer_email_address),
      customer_name: textOf(f.customer_name),
      customer_phone_number: textOf(f.customer_phone_number),
      environment: textOf(f.environment),
      expired_at: textOf(f.expiry_date),
      merchant_order_ref: subscription.merchantOrderRef,
      notes: Array.isArray(f.notes) ? f.notes : [],
      notify_by_email: f.notify_by_email === true,
      notify_by_phone: f.notify_by_phone === true,
      plan_order_ref: textOf(f.plan_order_ref),
      quantity: numberOf(f.quantity) ?? 1,
      recurrance_count: numberOf(f.recurrance_count) ?? 0,
      signature_hash: '',
      source: textOf(f.source),
      started_at: textOf(f.started_at),
      status: subscription.state ?? 'Created',
      subscription_type: textOf(f.subscription_type),
      total_amount: nextAmount(ledger, subscription) * (numberOf(f.recurrance_count) ?? 1),
      plan_amount: numberOf(plan?.fields.amount) ?? 0,
      collected_amount: collected,
      total_additional_cost: 0,
      next_deduction_amount: nextAmount(ledger, subscription),
      next_deduction_date: null,
      collected_count: deductions.length,
      trial_frequency: numberOf(f.trial_frequency) ?? 0,
      trial_period: textOf(f.trial_period),
      in_trial: false,
    },
    is_success: 'true',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

export const getSubscriptionTransactions: Handler = ({ ledger, params }) => {
  const subscription = subscriptionOf(ledger, params.orderRef ?? '');
  if (subscription === undefined) return missingSubscription();
  const content = deductionsOf(ledger, subscription).map((p) => ({
    amount: p.amount ?? 0,
    channel_name: '',
    channel_order_ref: `CH${p.orderRef}`,
    created_at: timestamp(),
    currency: p.currency ?? '',
    merchant_order_ref: p.merchantOrderRef,
    method_key: '',
    order_ref: p.orderRef,
    payment_method_used: '',
    refund_status: p.refunded > 0 ? 'SUCCESS' : '',
    status: p.status,
  }));
  return reply(200, { content, status_code: '2000', status_reason: 'SUCCESS' });
};

export const updateSubscriptionStatus: Handler = ({ ledger, params }) => {
  const subscription = subscriptionOf(ledger, params.orderRef ?? '');
  if (subscription === undefined) return missingSubscription();
  if (params.status !== 'cancelled') {
    return reply(400, {
      is_success: 'false',
      message: 'Invalid status! Only cancelled status is allowed',
      status_code: '4001',
      status_reason: 'INVALID_REQUEST',
    });
  }
  subscription.state = 'Cancelled';
  return reply(200, {
    is_success: 'true',
    message: 'Subscription status updated successfully to cancelled',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

/** A deduction on an on-demand subscription, under its own merchant order ref. */
export const createDeduction: Handler = (context) => {
  const { body, ledger } = context;
  const subscription = subscriptionOf(ledger, textOf(body.subscription_order_ref));
  if (subscription === undefined || subscription.state === 'Cancelled')
    return missingSubscription();
  if (subscription.fields?.subscription_type !== 'ONDEMAND') {
    return invalid('createDeduction', 'deductions on demand need an ONDEMAND subscription');
  }
  const ref = textOf(body.merchant_order_ref);
  const dup = duplicate(context, 'merchant_order_ref', ref);
  if (dup !== undefined) return dup;
  const fields = { ...body, subscription_order_ref: subscription.orderRef };
  const deduction = createPayment(context, ref, 'deduction', fields);
  ledger.move({
    kind: 'deduction',
    ref: subscription.orderRef,
    amount: deduction.amount,
    currency: deduction.currency,
    detail: 'ondemand',
  });
  return reply(200, {
    is_success: 'true',
    merchant_order_ref: ref,
    order_ref: deduction.orderRef,
    status_code: '2000',
    status: 'Initiated',
  });
};

/** Charges a regular subscription's next deduction now. */
export const triggerNextDeduction: Handler = (context) => {
  const { body, ledger } = context;
  const subscription = subscriptionOf(ledger, textOf(body.subscription_order_ref));
  if (subscription === undefined || subscription.state === 'Cancelled')
    return missingSubscription();
  if (subscription.fields?.subscription_type !== 'REGULAR') {
    return invalid('triggerNextDeduction', 'Invalid request parameters');
  }
  const count = deductionsOf(ledger, subscription).length;
  const amount = nextAmount(ledger, subscription);
  const deduction = createPayment(context, `${subscription.orderRef}_${count + 1}`, 'deduction', {
    amount,
    currency: subscription.currency,
    subscription_order_ref: subscription.orderRef,
  });
  ledger.move({
    kind: 'deduction',
    ref: subscription.orderRef,
    amount: deduction.amount,
    currency: deduction.currency,
    detail: 'next',
  });
  return reply(200, {
    is_success: 'true',
    message: 'The next deduction should happen shortly',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};
