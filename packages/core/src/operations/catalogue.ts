import type { OperationInfo, RefLocation } from './types.js';

const body = (...fields: string[]): RefLocation => ({ in: 'body', fields });
const path = (param: string): RefLocation => ({ in: 'path', param });

/**
 * Every endpoint of PortOne's four public specs (payment, refund, subscription, payout), with
 * its safety contract. A test checks it against the specs both ways: nothing missing, nothing
 * invented. The specs carry no operationIds; the ids are ours, named for what the call does.
 *
 * Choices the specs leave open, and why:
 * - POSTs that only read (auth-token, generate-signature, transaction-details, fetch-all-payments,
 *   the payouts list, statements, beneficiary verification) are `read`: re-sending costs nothing.
 * - A payment link is looked up at the link status (by the merchant's link ref), never at the
 *   transaction status, where a link's ref never is.
 * - `PUT /api/transaction/status` sets a payment's status (cash on delivery): a money move,
 *   settled by reading the status back.
 * - `PUT /api/subscription/triggerNextDeduction` charges the subscriber: a money move. Its lookup
 *   (the subscription's transactions) cannot tell a new deduction from earlier ones, so an
 *   unknown outcome stays ambiguous unless PortOne says the subscription does not exist.
 * - A capture names PortOne's order_ref, which the transaction status (by merchant ref) does not
 *   take: it is settled by the transaction details, which do.
 * - A payout's own status endpoint takes PortOne's reference, which the create does not return:
 *   a payout create is settled from the payouts list, by the merchant's `txn_ref`.
 * - Plans and subscriptions are looked up at their own endpoints by the create's
 *   `merchant_order_ref`; the spec names that parameter `orderRef` without saying whose ref it is.
 * - OTP requests, beneficiaries and payout verification change no money but are not free to
 *   repeat (a second OTP, a second beneficiary): `config`.
 */
const ROWS: OperationInfo[] = [
  // payment_openapispec.yaml
  { id: 'createAuthToken', method: 'POST', path: '/api/merchant/auth-token', kind: 'read' },
  {
    id: 'generateSignature',
    method: 'POST',
    path: '/api/merchant/generate-signature',
    kind: 'read',
  },
  {
    id: 'initiatePayment',
    method: 'POST',
    path: '/api/initiatePayment',
    kind: 'create',
    ref: body('merchant_order_id'),
    lookup: 'getTransactionStatus',
  },
  {
    id: 'createPaymentLink',
    method: 'POST',
    path: '/api/paymentLink',
    kind: 'create',
    ref: body('merchant_order_id'),
    lookup: 'getPaymentLinkStatus',
  },
  {
    id: 'updatePaymentLink',
    method: 'PUT',
    path: '/api/update-paylink/{payment_link_ref}',
    kind: 'config',
    ref: path('payment_link_ref'),
  },
  {
    id: 'updatePaymentLinkStatus',
    method: 'PUT',
    path: '/api/paymentLink/{payment_link_ref}/status/{link_status}',
    kind: 'config',
    ref: path('payment_link_ref'),
  },
  { id: 'addWebhook', method: 'POST', path: '/api/merchant/{key}/webhook', kind: 'config' },
  { id: 'listWebhooks', method: 'GET', path: '/api/merchant/{key}/webhook', kind: 'read' },
  {
    id: 'getTransactionStatus',
    method: 'GET',
    path: '/api/transaction/{merchantOrderRef}/status',
    kind: 'read',
    ref: path('merchantOrderRef'),
  },
  {
    id: 'getTransactionDetails',
    method: 'POST',
    path: '/api/{key}/transaction-details',
    kind: 'read',
    ref: body('order_ref'),
  },
  {
    id: 'getPaymentLinkStatusDeprecated',
    method: 'GET',
    path: '/api/paymentLink/{merchantLinkRef}/status',
    kind: 'read',
    ref: path('merchantLinkRef'),
  },
  {
    id: 'getPaymentLinkStatusByPortOneRef',
    method: 'GET',
    path: '/api/paymentLink/{portOneLinkRef}/fetch-status',
    kind: 'read',
    ref: path('portOneLinkRef'),
  },
  {
    id: 'getPaymentLinkStatus',
    method: 'GET',
    path: '/api/merchant/{smchKey}/paymentLink/{merchantLinkRef}/status',
    kind: 'read',
    ref: path('merchantLinkRef'),
  },
  {
    id: 'addPayChannel',
    method: 'POST',
    path: '/api/merchant/{key}/add-pay-channel/{pckey}',
    kind: 'config',
  },
  {
    id: 'updatePayChannel',
    method: 'PUT',
    path: '/api/merchant/{key}/add-pay-channel/{pckey}',
    kind: 'config',
  },
  {
    id: 'getPayChannel',
    method: 'GET',
    path: '/api/merchant/{key}/pay-channel/{pckey}',
    kind: 'read',
  },
  {
    id: 'updateTransactionStatus',
    method: 'PUT',
    path: '/api/transaction/status',
    kind: 'money-move',
    ref: body('merchant_order_ref'),
    lookup: 'getTransactionStatus',
  },
  {
    id: 'captureTransaction',
    method: 'POST',
    path: '/api/transaction/{order_ref}/capture',
    kind: 'money-move',
    ref: path('order_ref'),
    lookup: 'getTransactionDetails',
  },
  {
    id: 'updateTransactionDetails',
    method: 'PUT',
    path: '/api/{portOneKey}/update-transaction-details/{merchant_order_ref}',
    kind: 'config',
    ref: path('merchant_order_ref'),
  },
  {
    id: 'fetchAllPayments',
    method: 'POST',
    path: '/api/merchant/{key}/fetch-all-payments',
    kind: 'read',
  },

  // refund_openapispec.yaml
  {
    id: 'createRefund',
    method: 'POST',
    path: '/api/refund/{portone_order_ref}',
    kind: 'money-move',
    ref: path('portone_order_ref'),
    lookup: 'listRefunds',
  },
  {
    id: 'listRefunds',
    method: 'GET',
    path: '/api/refund/{portone_order_ref}',
    kind: 'read',
    ref: path('portone_order_ref'),
  },

  // subscription_openapispec.yaml
  {
    id: 'createPlan',
    method: 'POST',
    path: '/api/subscription/createPlan',
    kind: 'create',
    ref: body('merchant_order_ref'),
    lookup: 'getPlan',
  },
  {
    id: 'updatePlanStatus',
    method: 'PUT',
    path: '/api/subscription/plan/{orderRef}/status/{status}',
    kind: 'config',
    ref: path('orderRef'),
  },
  {
    id: 'getPlan',
    method: 'GET',
    path: '/api/subscription/plan/{orderRef}',
    kind: 'read',
    ref: path('orderRef'),
  },
  {
    id: 'createSubscription',
    method: 'POST',
    path: '/api/subscription/createSubscription',
    kind: 'create',
    ref: body('merchant_order_ref'),
    lookup: 'getSubscription',
  },
  {
    id: 'createDeduction',
    method: 'POST',
    path: '/api/subscription/createDeduction',
    kind: 'money-move',
    ref: body('merchant_order_ref'),
    lookup: 'getTransactionStatus',
  },
  {
    id: 'triggerNextDeduction',
    method: 'PUT',
    path: '/api/subscription/triggerNextDeduction',
    kind: 'money-move',
    ref: body('subscription_order_ref'),
    lookup: 'getSubscriptionTransactions',
  },
  {
    id: 'getSubscription',
    method: 'GET',
    path: '/api/subscription/{orderRef}',
    kind: 'read',
    ref: path('orderRef'),
  },
  {
    id: 'getSubscriptionTransactions',
    method: 'GET',
    path: '/api/subscription/{orderRef}/txns-records',
    kind: 'read',
    ref: path('orderRef'),
  },
  {
    id: 'updateSubscriptionStatus',
    method: 'PUT',
    path: '/api/subscription/{orderRef}/status/{status}',
    kind: 'config',
    ref: path('orderRef'),
  },

  // payout_openapispec.yaml
  { id: 'fetchPayouts', method: 'POST', path: '/api/merchant/{key}/payouts', kind: 'read' },
  {
    id: 'getVirtualAccountBalance',
    method: 'GET',
    path: '/api/payout/va/{va_number}/balance',
    kind: 'read',
  },
  {
    id: 'createPayout',
    method: 'POST',
    path: '/api/payout/transaction',
    kind: 'money-move',
    ref: body('txn_details.txn_ref'),
    lookup: 'fetchPayouts',
  },
  { id: 'listVirtualAccounts', method: 'GET', path: '/api/merchant/{key}/payout/va', kind: 'read' },
  {
    id: 'verifyBeneficiaryAccount',
    method: 'POST',
    path: '/api/payout/vendor/account/verification',
    kind: 'read',
  },
  {
    id: 'getVirtualAccountStatement',
    method: 'POST',
    path: '/api/payout/va/{va_number}/statement',
    kind: 'read',
  },
  {
    id: 'getPayoutStatus',
    method: 'GET',
    path: '/api/payout/{portone_txn_reference}/status',
    kind: 'read',
    ref: path('portone_txn_reference'),
  },
  {
    id: 'cancelPayout',
    method: 'PUT',
    path: '/api/payout/{portone_txn_reference}/status/Cancelled',
    kind: 'money-move',
    ref: path('portone_txn_reference'),
    lookup: 'getPayoutStatus',
  },
  {
    id: 'generateVerifyOtp',
    method: 'POST',
    path: '/api/merchant/payout/generateOTP/verify',
    kind: 'config',
  },
  {
    id: 'generateApproveOtp',
    method: 'POST',
    path: '/api/merchant/payout/generateOTP/approve',
    kind: 'config',
  },
  {
    id: 'approvePayouts',
    method: 'POST',
    path: '/api/merchant/payout/approve',
    kind: 'money-move',
    ref: body('txn_refs'),
    lookup: 'getPayoutStatus',
  },
  {
    id: 'createBeneficiary',
    method: 'POST',
    path: '/api/merchants/{key}/payout/createBeneficiary',
    kind: 'config',
  },
  {
    id: 'listBeneficiaries',
    method: 'GET',
    path: '/api/merchants/{key}/payout/createBeneficiary',
    kind: 'read',
  },
  { id: 'verifyPayouts', method: 'POST', path: '/api/merchant/payout/verify', kind: 'config' },
  {
    id: 'downloadVirtualAccountStatement',
    method: 'GET',
    path: '/api/payout/va/{va_number}/download-statement',
    kind: 'read',
  },
  {
    id: 'resendVerifyOtp',
    method: 'POST',
    path: '/api/merchant/payout/resendOTP/verify',
    kind: 'config',
  },
  {
    id: 'resendApproveOtp',
    method: 'POST',
    path: '/api/merchant/payout/resendOTP/approve',
    kind: 'config',
  },
];

/** The catalogue, frozen. */
export const OPERATIONS: readonly OperationInfo[] = Object.freeze(
  ROWS.map((op) => Object.freeze(op)),
);

/** The catalogue by id. */
export const OPERATIONS_BY_ID: ReadonlyMap<string, OperationInfo> = new Map(
  OPERATIONS.map((op) => [op.id, op]),
);
