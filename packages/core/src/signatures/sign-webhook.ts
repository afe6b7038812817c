import { hmacSha256, toBase64 } from './hmac.js';
import { assertSecret } from './sign-request.js';
import { WEBHOOK_SIGNED_FIELDS } from './signed-fields.js';
import { type SignedValue, signingString } from './signing-string.js';

/**
 * The `signature_hash` PortOne puts on a payment webhook with these fields: `amount`,
 * `channel_key`, `channel_order_ref`, `country_code`, `currency`, `merchant_order_ref`,
 * `method_name`, `order_ref`, `status`. For tests and simulators that post webhooks as PortOne
 * does; a receiver calls `verifyWebhook`, which compares in constant time.
 *
 * @throws TypeError naming a missing or invalid field; never the secret.
 */
export async function signWebhook(
  fields: Readonly<Record<string, SignedValue | unknown>>,
  secret: string,
): Promise<string> {
  assertSecret(secret, 'signWebhook');
  return toBase64(
    await hmacSha256(secret, signingString(WEBHOOK_SIGNED_FIELDS, fields, 'signWebhook')),
  );
}
