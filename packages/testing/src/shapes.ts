import { envelope } from './envelope.js';

/**
 * PortOne's answer shapes, as its specs' examples show them: `status_code` always a string,
 * `is_success` a boolean on payments and the string "true"/"false" on subscriptions and payouts,
 * `status_reason` or (where the example has it) `status_message`.
 */

/** An answer before a front end puts it on the wire. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export const reply = (status: number, body: unknown): Reply => ({ status, body });

/** PortOne's success envelope: `{ ...fields, message, status_code: "2000", status_reason }`. */
export function succeeded(message: string, fields: Record<string, unknown> = {}): Reply {
  return reply(200, { ...fields, message, status_code: '2000', status_reason: 'SUCCESS' });
}

/**
 * Operations whose spec documents only 401 for a refused request: PortOne answers their
 * validation errors with 401 too (initiatePayment's own example: 401, `4001`, "signature_hash is
 * a required field").
 */
const REFUSED_WITH_401 = new Set([
  'initiatePayment',
  'createPaymentLink',
  'updatePaymentLink',
  'updatePaymentLinkStatus',
  'addWebhook',
  'listWebhooks',
  'addPayChannel',
  'updatePayChannel',
  'getPayChannel',
]);

/** Subscription answers carry `is_success` as the string "false". */
const SUBSCRIPTION_OPS = new Set([
  'createPlan',
  'createSubscription',
  'createDeduction',
  'triggerNextDeduction',
  'updateSubscriptionStatus',
]);

/** A request PortOne refuses as invalid (`4001`), in the style of that operation's examples. */
export function invalid(operationId: string, message: string): Reply {
  if (operationId === 'initiatePayment' || operationId === 'createPaymentLink') {
    return reply(401, {
      is_success: false,
      message,
      status_code: '4001',
      status_reason: 'INVALID_PAYMENT_REQUEST',
    });
  }
  if (operationId === 'createAuthToken' || operationId === 'generateSignature') {
    return reply(400, {
      message: `Invalid Request, err : ${message}`,
      status_code: '4001',
      status_reason: 'INVALID_REQUEST',
    });
  }
  const body = { message, status_code: '4001', status_reason: 'INVALID_REQUEST' };
  if (SUBSCRIPTION_OPS.has(operationId)) return reply(400, { is_success: 'false', ...body });
  return reply(REFUSED_WITH_401.has(operationId) ? 401 : 400, body);
}

/** A refusal with another code, in PortOne's envelope. */
export function refused(status: number, code: number, message: string): Reply {
  return reply(status, envelope(code, message));
}

/** A ref PortOne holds nothing under: 400 / `5001` RECORD_NOT_FOUND_ERROR. */
export function notFound(what: string, ref: string): Reply {
  return refused(400, 5001, `${what} not found for ref ${ref}`);
}

/** `signature_hash` does not verify: 401 / `4011`. */
export function badSignature(): Reply {
  return refused(401, 4011, 'Invalid signature hash');
}

/** A timestamp as PortOne writes them (`2022-06-30T06:20:41.052983Z`). */
export const timestamp = (): string => new Date().toISOString();
