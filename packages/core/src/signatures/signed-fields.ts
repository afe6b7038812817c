/** What PortOne signs with a merchant's secret key. */
export type SignatureKind = 'payment' | 'plan' | 'ondemand-plan' | 'ondemand-subscription';

/**
 * The fields PortOne signs for each kind of request, from its payment-request, subscription-plan,
 * on-demand plan and on-demand subscription docs. Any other field of the request is not signed.
 */
export const SIGNED_FIELDS: Readonly<Record<SignatureKind, readonly string[]>> = Object.freeze({
  payment: ['amount', 'client_key', 'currency', 'failure_url', 'merchant_order_id', 'success_url'],
  plan: ['amount', 'client_key', 'currency', 'frequency', 'merchant_order_ref'],
  'ondemand-plan': ['client_key', 'currency', 'merchant_order_ref'],
  'ondemand-subscription': [
    'client_key',
    'currency',
    'failure_url',
    'merchant_order_ref',
    'success_url',
  ],
});

/** The fields of a payment webhook (and of the redirect result) that its `signature_hash` covers. */
export const WEBHOOK_SIGNED_FIELDS: readonly string[] = Object.freeze([
  'amount',
  'channel_key',
  'channel_order_ref',
  'country_code',
  'currency',
  'merchant_order_ref',
  'method_name',
  'order_ref',
  'status',
]);
