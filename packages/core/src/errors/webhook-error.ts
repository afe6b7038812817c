import { brandErrorClass, PortOneError } from './portone-error.js';

/**
 * Why a webhook was refused:
 * - `malformed`: not JSON, or a field the signature covers is missing or of the wrong type.
 * - `signature`: its `signature_hash` is not PortOne's for its fields and your secret (forged or
 *   tampered with, signed with another merchant's secret, or its body was re-serialised).
 * - `amount` / `currency`: signed by PortOne, but not what you expect for its
 *   `merchant_order_ref`; PortOne's checklist says not to treat its status as true.
 */
export type WebhookRejection = 'malformed' | 'signature' | 'amount' | 'currency';

/**
 * A webhook that must not be acted on. Carries the reason and the merchant order ref when one was
 * read; never the secret, the signature or the payload (it holds the buyer's personal data).
 */
export class PortOneWebhookError extends PortOneError {
  override name = 'PortOneWebhookError' as const;
  /** Why the webhook was refused. */
  readonly reason: WebhookRejection;

  constructor(reason: WebhookRejection, message: string, orderRef?: string) {
    super({ message, series: 'validation', outcome: 'fail', attempts: 0, orderRef });
    this.reason = reason;
  }

  protected override extraJSON(): Record<string, unknown> {
    return { reason: this.reason };
  }
}

brandErrorClass(PortOneWebhookError, 'PortOneWebhookError');
