/**
 * A complete initiatePayment request, signed as PortOne checks it (`signature_hash`: HMAC-SHA256
 * over the sorted, URL-encoded fields, base64), so the examples run against a simulator that
 * validates and verifies requests as PortOne does.
 */
import { signRequest } from '@portone-retry/core';

/** The merchant's PortOne key and secret: PORTONE_KEY and PORTONE_SECRET in a real server. */
export const MERCHANT = { key: 'example-portone-key', secret: 'example-portone-secret' };

/** The initiatePayment body for an order, with its `signature_hash`. */
export async function paymentRequest(order: {
  id: string;
  amount: number;
  currency: string;
}): Promise<Record<string, unknown>> {
  const request = {
    key: MERCHANT.key,
    merchant_order_id: order.id, // PortOne deduplicates on it; the SDK looks payments up by it
    amount: order.amount,
    currency: order.currency,
    pmt_channel: 'STRIPE',
    pmt_method: 'STRIPE_CARD',
    description: `order ${order.id}`,
    environment: 'sandbox',
    success_url: 'https://shop.example/paid',
    failure_url: 'https://shop.example/failed',
  };
  const fields = { ...request, client_key: MERCHANT.key };
  return { ...request, signature_hash: await signRequest('payment', fields, MERCHANT.secret) };
}
