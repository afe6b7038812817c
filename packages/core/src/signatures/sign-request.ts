import { hmacSha256, toBase64 } from './hmac.js';
import { SIGNED_FIELDS, type SignatureKind } from './signed-fields.js';
import { type SignedValue, signingString } from './signing-string.js';

/**
 * The `signature_hash` PortOne expects on a payment request, a subscription plan, an on-demand
 * plan or an on-demand subscription, computed as PortOne computes it: the kind's fields sorted
 * and encoded as Go's `url.Values.Encode`, HMAC-SHA256 with the secret key, base64.
 *
 * Pass the request body as it is: only the fields PortOne signs are read (see `SIGNED_FIELDS`),
 * and the amount is formatted as PortOne formats it (`100.0` and `"100.00"` sign as `100`).
 * Web Crypto only, so it runs on edge runtimes; call it on the server (it needs the secret).
 *
 * @example
 * const signature_hash = await signRequest('payment', {
 *   amount: 100.5, client_key: key, currency: 'USD', merchant_order_id: 'order-1',
 *   success_url: 'https://shop.example/ok', failure_url: 'https://shop.example/failed',
 * }, process.env.PORTONE_SECRET);
 * @throws TypeError naming the missing or invalid field, or an unknown kind; never the secret.
 */
export async function signRequest(
  kind: SignatureKind,
  fields: Readonly<Record<string, SignedValue>>,
  secret: string,
): Promise<string> {
  const names = Object.hasOwn(SIGNED_FIELDS, kind) ? SIGNED_FIELDS[kind] : undefined;
  if (names === undefined) {
    throw new TypeError(
      `signRequest: kind must be one of ${Object.keys(SIGNED_FIELDS).join(', ')}`,
    );
  }
  if (typeof fields !== 'object' || fields === null) {
    throw new TypeError('signRequest: fields must be an object');
  }
  assertSecret(secret, 'signRequest');
  const message = signingString(names, fields, `signRequest('${kind}')`);
  return toBase64(await hmacSha256(secret, message));
}

/** @throws TypeError when the secret is not a non-empty string (its value is never shown). */
export function assertSecret(secret: unknown, what: string): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError(`${what}: secret must be a non-empty string`);
  }
}
