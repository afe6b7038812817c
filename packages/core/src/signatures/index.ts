export { formatAmount } from './format-amount.js';
export { fromBase64Digest, hmacSha256, timingSafeEqual, toBase64 } from './hmac.js';
export { goQueryEncode, queryEscape } from './query-escape.js';
export { assertSecret, signRequest } from './sign-request.js';
export { signWebhook } from './sign-webhook.js';
export { SIGNED_FIELDS, type SignatureKind, WEBHOOK_SIGNED_FIELDS } from './signed-fields.js';
export { type SignedValue, signingString } from './signing-string.js';
