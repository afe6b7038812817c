import { hmacSha256 } from './hs256.js';

/**
 * PortOne's `signature_hash` (see PortOne's payment-request signature docs): the named fields as
 * a query string sorted by key, escaped as Go's `url.Values.Encode` does (space → `+`), HMAC-SHA256
 * with the merchant's secret, standard base64. Computed with the kit's own synchronous HMAC (as
 * the JWT check is), so the msw front end needs no node: module and requests keep their order.
 */

/** The fields each signed request covers (`client_key` is the merchant's PortOne key). */
export const SIGNED_FIELDS = {
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
} as const;

export type SignedKind = keyof typeof SIGNED_FIELDS;

/** Go's `url.QueryEscape`: unreserved characters kept, space as `+`, the rest `%XX`. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** A value as PortOne signs it: numbers as Go's `FormatFloat(x, 'f', -1, 64)` (`100`, `10.5`). */
function signedText(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    const text = String(value);
    return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
  }
  return value === undefined || value === null ? '' : String(value);
}

/** The signature PortOne expects for these fields under `secret`. */
export function signatureOf(
  kind: SignedKind,
  fields: Readonly<Record<string, unknown>>,
  secret: string,
): string {
  const query = [...SIGNED_FIELDS[kind]]
    .sort()
    .map((name) => `${queryEscape(name)}=${queryEscape(signedText(fields[name]))}`)
    .join('&');
  const encoder = new TextEncoder();
  const digest = hmacSha256(encoder.encode(secret), encoder.encode(query));
  return btoa(String.fromCharCode(...digest));
}
