import type { PaymentStatus } from '../types.js';

/** The fields of PortOne's envelope the SDK reads, after tolerating every variant it sends. */
export interface Envelope {
  /** `status_code` as given (string or number). */
  readonly statusCode?: unknown;
  /** `status_reason`, or `status_message` where an endpoint names it so. */
  readonly statusReason?: string;
  readonly message?: string;
  /** `is_success` as a boolean, where given as a boolean or the strings "true"/"false". */
  readonly isSuccess?: boolean;
  readonly paymentStatus?: PaymentStatus;
  readonly orderRef?: string;
}

/** Statuses, lowercased and as PortOne spells them. No prototype: "constructor" or "__proto__" in a body must map to nothing. */
const PAYMENT_STATUSES: Readonly<Record<string, PaymentStatus>> = Object.assign(
  Object.create(null) as Record<string, PaymentStatus>,
  {
    success: 'Success',
    failed: 'Failed',
    pending: 'Pending',
    expired: 'Expired',
    Success: 'Success',
    Failed: 'Failed',
    Pending: 'Pending',
    Expired: 'Expired',
  },
);

function field(source: unknown, name: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  try {
    return (source as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** Raw bytes (an `arraybuffer` response, a Buffer) as UTF-8 text; `undefined` if not bytes. */
function bytesToText(body: unknown): string | undefined {
  if (!(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body)) return undefined;
  const bytes =
    body instanceof ArrayBuffer
      ? body
      : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return new TextDecoder().decode(bytes);
}

/**
 * Parses a body given as text (or raw bytes) into JSON when it is JSON; other text is returned
 * as is, so a proxy's HTML page stays readable in logs.
 */
export function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') {
    const text = bytesToText(body);
    return text === undefined ? body : parseBody(text);
  }
  const trimmed = body.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return body;
  try {
    return JSON.parse(trimmed);
  } catch {
    return body;
  }
}

/** Reads PortOne's envelope from a parsed body; `undefined` when the body is not an object. */
export function readEnvelope(body: unknown): Envelope | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const content = field(body, 'content');
  const statusText = text(field(content, 'status'));
  // PortOne's own spelling ("Success") is found as it is; other casings are lowered first.
  const paymentStatus = statusText
    ? (PAYMENT_STATUSES[statusText] ?? PAYMENT_STATUSES[statusText.trim().toLowerCase()])
    : undefined;
  const orderRef = text(field(content, 'order_ref')) ?? text(field(body, 'order_ref'));
  const statusReason = text(field(body, 'status_reason')) ?? text(field(body, 'status_message'));
  const message = text(field(body, 'message'));
  const isSuccess = toBoolean(field(body, 'is_success'));
  const statusCode = field(body, 'status_code');
  const envelope: { -readonly [K in keyof Envelope]: Envelope[K] } = {};
  if (statusCode !== undefined && statusCode !== null) envelope.statusCode = statusCode;
  if (statusReason !== undefined) envelope.statusReason = statusReason;
  if (message !== undefined) envelope.message = message;
  if (isSuccess !== undefined) envelope.isSuccess = isSuccess;
  if (paymentStatus !== undefined) envelope.paymentStatus = paymentStatus;
  if (orderRef !== undefined) envelope.orderRef = orderRef;
  return envelope;
}
