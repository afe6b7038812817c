import { signatureOf } from './signature.js';

/** Options of `paymentRequest`. Any other field is sent as given. */
export interface PaymentRequestOptions extends Record<string, unknown> {
  /**
   * The merchant's key and secret: `key` goes in the body and `signature_hash` is computed as
   * PortOne computes it, for a simulator started with the same `signatures`.
   */
  signWith?: { key: string; secret: string };
}

/**
 * A complete, valid `initiatePayment` body for a merchant order ref (1000 VND over MoMo in the
 * sandbox), so a test writes only what it is about: `paymentRequest('ORDER-1', { amount: 5000 })`.
 */
export function paymentRequest(
  merchantOrderRef: string,
  options: PaymentRequestOptions = {},
): Record<string, unknown> {
  const { signWith, ...fields } = options;
  const body: Record<string, unknown> = {
    key: signWith?.key ?? 'test-portone-key',
    merchant_order_id: merchantOrderRef,
    pmt_channel: 'MOMOPAY',
    pmt_method: 'MOMOPAY_WALLET',
    description: 'test payment',
    environment: 'sandbox',
    amount: 1000,
    currency: 'VND',
    signature_hash: 'unsigned',
    success_url: 'https://merchant.example/success',
    failure_url: 'https://merchant.example/failure',
    ...fields,
  };
  if (signWith !== undefined) {
    body.signature_hash = signatureOf(
      'payment',
      { ...body, client_key: signWith.key },
      signWith.secret,
    );
  }
  return body;
}
