import type { PaymentStatus } from '../types.js';

/**
 * A payment's status as a webhook reports it: the four the status endpoint knows, `Initiated`
 * before the customer acts, `Refunded` after, and any status PortOne adds later.
 */
export type WebhookStatus = PaymentStatus | 'Initiated' | 'Refunded' | (string & {});

/**
 * The payment webhook PortOne posts when a payment's status changes (docs: "Payment Webhook").
 * The fields its `signature_hash` covers are always present once verified; the rest depend on
 * the channel and method.
 */
export interface PortOneWebhook {
  /** The amount of the transaction (signed). */
  readonly amount: number;
  /** The currency of the transaction, e.g. `USD` (signed). */
  readonly currency: string;
  /** The order ref the merchant sent to start the payment (signed). */
  readonly merchant_order_ref: string;
  /** PortOne's order ref, used for refunds and disputes (signed). */
  readonly order_ref: string;
  /** The payment channel's order ref (signed). */
  readonly channel_order_ref: string;
  /** The country code of the transaction (signed). */
  readonly country_code: string;
  /** The payment's current status (signed). */
  readonly status: WebhookStatus;
  /** The payment channel, e.g. `PAYLETTER` (signed). */
  readonly channel_key: string;
  /** The payment method's display name (signed). */
  readonly method_name: string;
  /** Base64 HMAC-SHA256 over the signed fields. */
  readonly signature_hash: string;
  readonly method_key?: string;
  readonly method_sub_type?: string;
  /** PortOne's status code as a string, e.g. `"2000"`. */
  readonly status_code?: string;
  readonly status_reason?: string;
  /** The reason the PSP gave. */
  readonly status_channel_reason?: string;
  readonly user_message?: string;
  readonly created_at?: string;
  readonly environment?: 'sandbox' | 'live' | (string & {});
  readonly source?: string;
  readonly description?: string;
  readonly payment_link_ref?: string;
  readonly link_order_ref?: string;
  readonly merchant_key?: string;
  readonly merchant_name?: string;
  readonly merchant_email_address?: string;
  readonly channel_name?: string;
  readonly buyer_name?: string;
  readonly buyer_email?: string;
  readonly buyer_phone?: string;
  readonly buyer_address1?: string;
  readonly buyer_address2?: string;
  readonly buyer_city?: string;
  readonly buyer_country?: string;
  readonly ip_address?: string;
  readonly user_agent?: string;
  readonly payment_method_used?: string;
  readonly masked_card_number?: string;
  readonly receipt_url?: string;
  readonly refund_status?: string;
  readonly is_refund_allowed?: boolean;
  readonly is_multi_refund_allowed?: boolean;
  readonly is_cross_border_transaction?: boolean;
  readonly cross_border_data?: Readonly<Record<string, unknown>>;
  readonly additional_data?: Readonly<Record<string, unknown>>;
  readonly additional_payment_details?: Readonly<Record<string, unknown>>;
  readonly installment_details?: Readonly<Record<string, unknown>>;
  /** Any field PortOne adds later. */
  readonly [field: string]: unknown;
}
