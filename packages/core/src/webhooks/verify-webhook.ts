import { PortOneWebhookError } from '../errors/webhook-error.js';
import { formatAmount } from '../signatures/format-amount.js';
import { fromBase64Digest, hmacSha256, timingSafeEqual } from '../signatures/hmac.js';
import { assertSecret } from '../signatures/sign-request.js';
import { WEBHOOK_SIGNED_FIELDS } from '../signatures/signed-fields.js';
import { signingString } from '../signatures/signing-string.js';
import type { PortOneWebhook } from './webhook.js';

/** What the merchant stored for an order: the webhook must carry the same. */
export interface ExpectedPayment {
  /** The order's amount; `100`, `100.0` and `"100.00"` are the same amount. */
  readonly amount: number | string;
  /** The order's currency, e.g. `USD` (compared without regard to case). */
  readonly currency: string;
}

/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /**
   * The amount and currency stored for the webhook's `merchant_order_ref`. PortOne's checklist
   * asks for this comparison before a status is trusted.
   * @default undefined (not compared)
   */
  readonly expected?: ExpectedPayment | undefined;
}

/**
 * Verifies a PortOne payment webhook and resolves with it, typed. The `signature_hash` is
 * recomputed over the signed fields with your secret and compared in constant time; then, with
 * `expected`, the amount and currency are compared with your order.
 *
 * `payload` is the raw body (a string or its bytes) or the object a JSON parser made of it.
 * PortOne signs fields, not bytes, so a parsed body verifies too, as long as the parser kept the
 * numbers as numbers (a "lossless" or big-number parser does not).
 *
 * A verified webhook can still be a replay (PortOne's webhooks carry no timestamp):
 * `createWebhookHandler` drops those; alone, check the status against what you applied.
 *
 * @throws PortOneWebhookError (as a rejection) with `reason` `malformed`, `signature`, `amount`
 *   or `currency`. TypeError for an empty secret or an invalid `expected`.
 */
export async function verifyWebhook(
  payload: string | object,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<PortOneWebhook> {
  assertSecret(secret, 'verifyWebhook');
  const webhook = readWebhook(payload);
  const received = fromBase64Digest(webhook.signature_hash);
  const computed = await hmacSha256(
    secret,
    signingString(WEBHOOK_SIGNED_FIELDS, webhook, 'verifyWebhook'),
  );
  if (received === undefined || !timingSafeEqual(received, computed)) {
    throw new PortOneWebhookError(
      'signature',
      'PortOne webhook signature does not match its fields (forged, altered, or signed with another secret key)',
      webhook.merchant_order_ref,
    );
  }
  if (options.expected !== undefined) assertExpected(webhook, options.expected);
  return webhook;
}

/**
 * Rejects a verified webhook whose amount or currency is not the order's.
 * @throws PortOneWebhookError with `reason` `amount` or `currency`.
 */
export function assertExpected(webhook: PortOneWebhook, expected: ExpectedPayment): void {
  if (typeof expected !== 'object' || expected === null) {
    throw new TypeError('expected must be { amount, currency }');
  }
  if (typeof expected.currency !== 'string') {
    throw new TypeError('expected.currency must be a string');
  }
  const amount = formatAmount(expected.amount, 'expected.amount');
  const ref = webhook.merchant_order_ref;
  if (formatAmount(webhook.amount) !== amount) {
    throw new PortOneWebhookError(
      'amount',
      `PortOne webhook amount ${formatAmount(webhook.amount)} is not the expected ${amount} for this order`,
      ref,
    );
  }
  if (webhook.currency.toUpperCase() !== expected.currency.toUpperCase()) {
    throw new PortOneWebhookError(
      'currency',
      `PortOne webhook currency ${webhook.currency} is not the expected ${expected.currency} for this order`,
      ref,
    );
  }
}

/** Fields the handler cannot do without; PortOne always sends them. */
const REQUIRED_TEXT = ['signature_hash', 'merchant_order_ref', 'status', 'currency'] as const;

/**
 * The payload as a webhook, with every signed field present. Signed text fields that are absent
 * or null are read as `""`, as PortOne's Go struct signs them; the ones the handler needs
 * (`merchant_order_ref`, `status`, `currency`, the amount) must be there.
 */
function readWebhook(payload: unknown): PortOneWebhook & Record<string, string | number> {
  const body = parsePayload(payload);
  const fields: Record<string, unknown> = { ...body };
  for (const name of WEBHOOK_SIGNED_FIELDS) {
    if (name === 'amount') continue;
    const value = fields[name];
    if (value === undefined || value === null) fields[name] = '';
    else if (typeof value !== 'string') throw malformed(`${name} is not a string`);
  }
  for (const name of REQUIRED_TEXT) {
    if (typeof fields[name] !== 'string' || fields[name] === '') {
      throw malformed(`${name} is missing`);
    }
  }
  const amount = fields.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw malformed('amount is missing or not a non-negative number');
  }
  return fields as PortOneWebhook & Record<string, string | number>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parsePayload(payload: unknown): Record<string, unknown> {
  let parsed = payload;
  if (ArrayBuffer.isView(payload) || payload instanceof ArrayBuffer) {
    try {
      parsed = decoder.decode(payload);
    } catch {
      throw malformed('body is not UTF-8');
    }
  }
  if (typeof parsed === 'string') {
    if (parsed.trim() === '') {
      throw malformed('body is empty (was it read by a body parser before the handler?)');
    }
    try {
      parsed = JSON.parse(parsed);
    } catch {
      // The parser's message quotes the body, which holds the buyer's personal data.
      throw malformed('body is not JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformed('body is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

const malformed = (why: string): PortOneWebhookError =>
  new PortOneWebhookError('malformed', `PortOne webhook is malformed: ${why}`);
