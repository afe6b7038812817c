/**
 * PortOne's request validation, per operation of its specs: required fields (dotted for nested
 * ones), enumerations, amounts and currencies. The tables follow the specs' `required` lists and
 * `enum`s; the contract test compares them with the specs, so a change there fails the build.
 */

/** Required body fields per catalogue operation id, in the spec's order. */
export const REQUIRED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  createAuthToken: ['portone_key', 'portone_secret'],
  generateSignature: [
    'portone_key',
    'currency',
    'amount',
    'merchant_order_id',
    'success_url',
    'failure_url',
  ],
  initiatePayment: [
    'key',
    'merchant_order_id',
    'pmt_channel',
    'pmt_method',
    'description',
    'environment',
    'amount',
    'currency',
    'signature_hash',
    'success_url',
    'failure_url',
  ],
  createPaymentLink: [
    'portone_key',
    'merchant_order_id',
    'amount',
    'currency',
    'signature_hash',
    'country_code',
    'merchant_details',
    'merchant_details.name',
    'merchant_details.promo_discount',
    'merchant_details.shipping_charges',
    'success_url',
    'failure_url',
    'source',
    'environment',
  ],
  addWebhook: ['name', 'url', 'type', 'environment'],
  getTransactionDetails: ['order_ref'],
  addPayChannel: ['creds', 'country', 'environment'],
  updatePayChannel: ['creds', 'country', 'environment'],
  updateTransactionStatus: ['status', 'merchant_order_ref', 'signature'],
  fetchAllPayments: ['page', 'size', 'to', 'from', 'environment'],
  createRefund: ['amount', 'channel', 'description', 'environment', 'refund_type', 'refund_reason'],
  createPlan: [
    'portone_key',
    'signature_hash',
    'merchant_order_ref',
    'source',
    'currency',
    'environment',
    'name',
    'plan_type',
  ],
  createSubscription: [
    'portone_key',
    'signature_hash',
    'merchant_order_ref',
    'source',
    'currency',
    'environment',
    'plan_order_ref',
    'success_url',
    'failure_url',
    'pending_url',
    'subscription_type',
  ],
  createDeduction: [
    'portone_key',
    'signature_hash',
    'merchant_order_ref',
    'subscription_order_ref',
    'source',
    'currency',
    'amount',
    'environment',
  ],
  triggerNextDeduction: ['portone_key', 'subscription_order_ref', 'environment'],
  fetchPayouts: ['page', 'pagesize', 'to', 'from', 'merchants_keys', 'environment'],
  createPayout: [
    'key',
    'channel_key',
    'signature_hash',
    'environment',
    'txn_details',
    'txn_details.virtual_acc_no',
    'txn_details.bank_details',
    'txn_details.bank_details.account_no',
    'txn_details.bank_details.account_type',
    'txn_details.bank_details.account_name',
    'txn_details.amount',
    'txn_details.currency',
    'txn_details.txn_ref',
  ],
  verifyBeneficiaryAccount: [
    'portone_key',
    'channel_key',
    'account_number',
    'account_name',
    'request_id',
    'type',
    'bank_number',
    'bank_name',
    'environment',
  ],
  getVirtualAccountStatement: ['page', 'pagesize', 'to', 'from'],
  generateVerifyOtp: ['email', 'two_fa_type', 'environment'],
  generateApproveOtp: ['email', 'two_fa_type', 'environment'],
  approvePayouts: [
    'approver_email',
    'otp',
    'approver_name',
    'txn_refs',
    'signature_hash',
    'environment',
  ],
  createBeneficiary: [
    'name',
    'bank_account_number',
    'bank_account_name',
    'bank_name',
    'bank_no',
    'bank_account_type',
    'payout_channel',
    'environment',
    'signature_hash',
  ],
  verifyPayouts: [
    'approver_email',
    'otp',
    'approver_name',
    'txn_refs',
    'signature_hash',
    'environment',
  ],
  resendVerifyOtp: ['email', 'two_fa_type', 'environment'],
  resendApproveOtp: ['email', 'two_fa_type', 'environment'],
};

const ENVIRONMENT = ['live', 'sandbox'];
const SOURCE = ['default', 'api', 'checkout'];
const OTP = { two_fa_type: ['email', 'phone'], environment: ENVIRONMENT };

/** Top-level enumerations per operation id, as the specs list them. */
export const ENUM_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  initiatePayment: { environment: ENVIRONMENT, transaction_type: ['PREAUTH', 'PURCHASE'] },
  createPaymentLink: { environment: ENVIRONMENT },
  addWebhook: {
    type: [
      'payment_status',
      'payment_link_status',
      'refund_status',
      'subscription_status',
      'payout_status',
      'onboarding_status',
    ],
    environment: ENVIRONMENT,
  },
  addPayChannel: { environment: ENVIRONMENT },
  updatePayChannel: { environment: ENVIRONMENT },
  fetchAllPayments: { environment: ENVIRONMENT },
  createRefund: { environment: ENVIRONMENT, refund_type: ['full', 'partial'] },
  createPlan: {
    source: SOURCE,
    environment: ENVIRONMENT,
    plan_type: ['REGULAR', 'ONDEMAND'],
    period: ['H', 'D', 'W', 'M', 'Q', 'Y'],
  },
  createSubscription: {
    source: SOURCE,
    environment: ENVIRONMENT,
    subscription_type: ['REGULAR', 'ONDEMAND'],
    allow_accumulate: ['Y', 'N'],
    trial_period: ['H', 'D', 'W', 'M', 'Q', 'Y'],
  },
  createDeduction: { source: ['api', 'checkout'], environment: ENVIRONMENT },
  triggerNextDeduction: { environment: ['sandbox', 'live'] },
  fetchPayouts: { environment: ENVIRONMENT },
  createPayout: { environment: ENVIRONMENT },
  // `type` is left out: the spec lists BANK and CARD, and its own example sends "account".
  verifyBeneficiaryAccount: { environment: ENVIRONMENT },
  generateVerifyOtp: OTP,
  generateApproveOtp: OTP,
  approvePayouts: { environment: ENVIRONMENT },
  createBeneficiary: {
    bank_account_type: ['BANK'],
    payout_channel: ['GBPRIMEPAY_PAYOUT', 'PAYNAMICS_PAYOUT', 'APPOTAPAY_PAYOUT'],
    environment: ENVIRONMENT,
  },
  verifyPayouts: { environment: ENVIRONMENT },
  resendVerifyOtp: OTP,
  resendApproveOtp: OTP,
};

/** Amount fields per operation id: a number above zero. */
const AMOUNT_FIELDS: Readonly<Record<string, string>> = {
  generateSignature: 'amount',
  initiatePayment: 'amount',
  createPaymentLink: 'amount',
  createRefund: 'amount',
  createDeduction: 'amount',
  createPayout: 'txn_details.amount',
};

/** Currency fields per operation id: an ISO 4217 code, three capital letters. */
const CURRENCY_FIELDS: Readonly<Record<string, string>> = {
  generateSignature: 'currency',
  initiatePayment: 'currency',
  createPaymentLink: 'currency',
  createPlan: 'currency',
  createSubscription: 'currency',
  createDeduction: 'currency',
  createPayout: 'txn_details.currency',
};

/** The value at a dotted name, own properties only. */
export function fieldAt(body: Readonly<Record<string, unknown>>, name: string): unknown {
  let value: unknown = body;
  for (const key of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const isMissing = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

/** PortOne names the field as it is sent (`txn_details.amount` → `amount`, as its Go validator does). */
const shortName = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

/**
 * The first problem PortOne would report in this request, as its message, or undefined when the
 * request is valid: a missing required field (`signature_hash is a required field`), a value
 * outside its enumeration, an amount that is not a number above zero, a currency that is not
 * three capital letters.
 */
export function invalidFieldOf(
  operationId: string,
  body: Readonly<Record<string, unknown>>,
): string | undefined {
  for (const name of REQUIRED_FIELDS[operationId] ?? []) {
    if (isMissing(fieldAt(body, name))) return `${shortName(name)} is a required field`;
  }
  for (const [name, allowed] of Object.entries(ENUM_FIELDS[operationId] ?? {})) {
    const value = fieldAt(body, name);
    if (value !== undefined && !allowed.includes(String(value))) {
      return `${name} must be one of [${allowed.join(' ')}]`;
    }
  }
  const amountField = AMOUNT_FIELDS[operationId];
  if (amountField !== undefined) {
    const amount = fieldAt(body, amountField);
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      return `${shortName(amountField)} must be a number greater than 0`;
    }
  }
  const currencyField = CURRENCY_FIELDS[operationId];
  if (currencyField !== undefined) {
    const currency = fieldAt(body, currencyField);
    if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) {
      return `${shortName(currencyField)} must be a 3-letter ISO 4217 code`;
    }
  }
  return undefined;
}
