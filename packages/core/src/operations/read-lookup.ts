import { REFINEMENTS } from '../catalogue/refinements.js';
import type { PaymentStatus } from '../types.js';
import { fieldAt, fieldsOf, refText } from './fields.js';
import type { LookupResult, OperationInfo } from './types.js';

/** A lookup's answer as the transport gave it: the HTTP status and the body, parsed or as text. */
export interface LookupAnswer {
  readonly httpStatus: number;
  readonly body: unknown;
}

const UNKNOWN: LookupResult = Object.freeze({ state: 'unknown' });
const NOT_FOUND: LookupResult = Object.freeze({ state: 'not-found' });
const done = (status?: PaymentStatus): LookupResult =>
  status === undefined ? { state: 'done' } : { state: 'done', status };

type Fields = Record<string, unknown>;

/** PortOne's `status_code` as a number, when the body carries one (string or number, 4 digits). */
function portOneCode(fields: Fields): number | undefined {
  const raw = fields.status_code;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return /^[1-8]\d{3}$/.test(text) ? Number(text) : undefined;
}

/** HTTP statuses that speak of the request or the gateway, never of the ref: 401, 403, 407, 408, 429. */
const NOT_ABOUT_THE_REF = new Set([401, 403, 407, 408, 429]);

/**
 * "Not found" is read only from PortOne's own envelope: a 4xx carrying a validation code (not an
 * authentication one: those speak of the key, not the ref) or 5001 RECORD_NOT_FOUND_ERROR. A
 * proxy's 404 page has no envelope and stays unknown.
 */
function saysNotFound(httpStatus: number, fields: Fields): boolean {
  if (httpStatus < 400 || httpStatus > 499 || NOT_ABOUT_THE_REF.has(httpStatus)) return false;
  const code = portOneCode(fields);
  if (code === undefined) return false;
  if (code === 5001) return true;
  return code >= 4000 && code <= 4999 && !REFINEMENTS[code]?.tags.includes('auth');
}

/** Statuses PortOne and its PSPs spell, to the four a payment ends in (or waits in). */
const PAYMENT_STATUS: Readonly<Record<string, PaymentStatus>> = Object.assign(Object.create(null), {
  success: 'Success',
  captured: 'Success',
  completed: 'Success',
  failed: 'Failed',
  rejected: 'Failed',
  deleted: 'Failed',
  cancelled: 'Failed',
  canceled: 'Failed',
  pending: 'Pending',
  initiated: 'Pending',
  created: 'Pending',
  processing: 'Pending',
  expired: 'Expired',
});

const statusOf = (value: unknown): PaymentStatus | undefined =>
  typeof value === 'string' ? PAYMENT_STATUS[value.trim().toLowerCase()] : undefined;

const lower = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.trim().toLowerCase() : undefined;

const amountOf = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

const objectAt = (fields: Fields, name: string): Fields | undefined => {
  const value = fieldAt(fields, name);
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Fields)
    : undefined;
};

const listAt = (fields: Fields, name: string): Fields[] | undefined => {
  const value = fieldAt(fields, name);
  return Array.isArray(value)
    ? value.filter((row): row is Fields => row !== null && typeof row === 'object')
    : undefined;
};

/** A created thing's status from a lookup that shows it (`content.status`): done, or unknown. */
function created(status: unknown): LookupResult {
  if (typeof status !== 'string' || status.trim() === '') return UNKNOWN;
  return done(statusOf(status));
}

/** A refund of the asked amount in the refund list: done (its status); none: not there. */
function refundSettled(answer: Fields, request: Fields | undefined): LookupResult {
  const asked = amountOf(request?.amount);
  const refunds = listAt(answer, 'refundDetails');
  if (asked === undefined || refunds === undefined) return UNKNOWN;
  const matching = refunds.filter((refund) => amountOf(refund.amount) === asked);
  if (matching.length === 0) return NOT_FOUND;
  // An earlier refund of the same amount cannot be told from this one: reading it as done may
  // under-refund, never refund twice.
  const statuses = matching.map((refund) => statusOf(refund.refund_status));
  for (const status of ['Success', 'Pending', 'Failed'] as const) {
    if (statuses.includes(status)) return done(status);
  }
  return done();
}

/** A capture: the payment's details show it captured (done) or still authorised (not there). */
function captureSettled(answer: Fields): LookupResult {
  const status = lower(objectAt(answer, 'content')?.status);
  if (status === undefined) return UNKNOWN;
  if (status === 'authorised' || status === 'authorized') return NOT_FOUND;
  const mapped = statusOf(status);
  return mapped === undefined || mapped === 'Pending' ? UNKNOWN : done(mapped);
}

/** A status set on a payment: the status read back equals the one asked (done), or not. */
function statusSetSettled(answer: Fields, request: Fields | undefined): LookupResult {
  const shown = lower(objectAt(answer, 'content')?.status);
  const asked = lower(request?.status);
  if (shown === undefined || asked === undefined) return UNKNOWN;
  return shown === asked ? done(statusOf(shown)) : NOT_FOUND;
}

/** A payout in the payouts list by the merchant's txn_ref; absent only if the page held them all. */
function payoutSettled(answer: Fields, ref: string | undefined): LookupResult {
  const payouts = listAt(answer, 'content');
  if (ref === undefined || payouts === undefined) return UNKNOWN;
  const payout = payouts.find((row) => row.merchant_txn_ref === ref);
  if (payout !== undefined) return done(statusOf(payout.status));
  const total = amountOf(answer.total_elements);
  return total !== undefined && total <= payouts.length ? NOT_FOUND : UNKNOWN;
}

/** A payout's own status (`{ Status }`) after a cancel or an approval. */
function payoutStatusSettled(op: OperationInfo, answer: Fields): LookupResult {
  const status = lower(answer.Status);
  if (status === undefined) return UNKNOWN;
  if (op.id === 'cancelPayout') return status === 'cancelled' ? done('Failed') : NOT_FOUND;
  // Approval: a payout still awaiting it reads Created (or Verified, after the checker's step).
  if (status === 'created' || status === 'verified') return NOT_FOUND;
  return done(statusOf(status));
}

function parse(body: unknown): Fields | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text.startsWith('{')) return undefined;
    try {
      return fieldsOf(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Fields)
    : undefined;
}

/**
 * What the answer to `op`'s lookup says about the request it settles. Creates are `done` when
 * PortOne shows what the ref created (with its payment status where there is one: a payment's
 * or a link's; a plan or a subscription has none); money moves are compared with what the
 * request asked (a refund of that amount in the refund list, a capture, the status set, the
 * payout by its txn_ref). `not-found` only from PortOne's own envelope or a readable answer that
 * shows the move absent; a proxy's page, a 5xx, an unreadable body or an answer that cannot be
 * compared are `unknown`.
 *
 * `request.body` is the original request's body (parsed or as text); money moves need it.
 */
export function readLookup(
  op: OperationInfo,
  answer: LookupAnswer,
  request?: { readonly body?: unknown; readonly ref?: string },
): LookupResult {
  const fields = parse(answer.body);
  if (fields === undefined || !Number.isInteger(answer.httpStatus)) return UNKNOWN;
  if (saysNotFound(answer.httpStatus, fields)) return NOT_FOUND;
  if (answer.httpStatus < 200 || answer.httpStatus > 299) return UNKNOWN;
  // A 2xx that carries an error code is no lookup result.
  const code = portOneCode(fields);
  if (code !== undefined && (code < 1000 || code >= 3000)) return UNKNOWN;

  const asked = fieldsOf(request?.body);
  const content = objectAt(fields, 'content');
  switch (op.lookup) {
    case 'getTransactionStatus':
      return op.id === 'updateTransactionStatus'
        ? statusSetSettled(fields, asked)
        : created(content?.status);
    case 'getPaymentLinkStatus':
    case 'getPaymentLinkStatusDeprecated':
      return created(content?.status);
    case 'getPlan':
      return content === undefined ? UNKNOWN : done();
    case 'getSubscription':
      return content === undefined ? UNKNOWN : done();
    case 'listRefunds':
      return refundSettled(fields, asked);
    case 'getTransactionDetails':
      return captureSettled(fields);
    case 'fetchPayouts':
      return payoutSettled(
        fields,
        request?.ref ?? refText(fieldAt(asked ?? {}, 'txn_details.txn_ref')),
      );
    case 'getPayoutStatus':
      return payoutStatusSettled(op, fields);
    default:
      // A deduction among the subscription's earlier ones, or a lookup a user declared: the
      // answer alone cannot say whether this request moved money.
      return UNKNOWN;
  }
}
