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

/** A printable ASCII character: no kind of whitespace, whatever `trim` counts as one. */
const isSolid = (c: number): boolean => c > 32 && c < 127;

/**
 * A string with something in it besides whitespace. Most fields start or end with a letter, so
 * `trim` (which copies) runs only for the rest.
 */
const text = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value === '') return undefined;
  if (isSolid(value.charCodeAt(0)) || isSolid(value.charCodeAt(value.length - 1))) return value;
  return value.trim() !== '' ? value : undefined;
};

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
  let fields: EnvelopeFields;
  try {
    fields = fieldsOf(body as RawEnvelope);
  } catch {
    // A getter that throws (a hostile or exotic object): the fields are copied one by one, and
    // the one that throws counts as absent.
    fields = fieldsOf(guardedCopy(body, ENVELOPE_KEYS));
  }
  const { status, orderRef: contentOrderRef } = contentOf(fields.content);
  const statusText = text(status);
  // PortOne's own spelling ("Success") is found as it is; other casings are lowered first.
  const paymentStatus = statusText
    ? (PAYMENT_STATUSES[statusText] ?? PAYMENT_STATUSES[statusText.trim().toLowerCase()])
    : undefined;
  const orderRef = text(contentOrderRef) ?? text(fields.orderRef);
  const statusReason = text(fields.statusReason) ?? text(fields.statusMessage);
  const message = text(fields.message);
  const isSuccess = toBoolean(fields.isSuccess);
  const { statusCode } = fields;
  const envelope: { -readonly [K in keyof Envelope]: Envelope[K] } = {};
  if (statusCode !== undefined && statusCode !== null) envelope.statusCode = statusCode;
  if (statusReason !== undefined) envelope.statusReason = statusReason;
  if (message !== undefined) envelope.message = message;
  if (isSuccess !== undefined) envelope.isSuccess = isSuccess;
  if (paymentStatus !== undefined) envelope.paymentStatus = paymentStatus;
  if (orderRef !== undefined) envelope.orderRef = orderRef;
  return envelope;
}

/** `content.status` and `content.order_ref`, read as the envelope's own fields are. */
function contentOf(content: unknown): { status: unknown; orderRef: unknown } {
  if (content === null || typeof content !== 'object') return NO_CONTENT;
  try {
    return contentFieldsOf(content);
  } catch {
    return contentFieldsOf(guardedCopy(content, CONTENT_KEYS));
  }
}

/** The two fields of `content` the SDK reads, each by its own property access. */
function contentFieldsOf({
  status,
  order_ref: orderRef,
}: {
  status?: unknown;
  order_ref?: unknown;
}) {
  return { status, orderRef };
}

const NO_CONTENT = Object.freeze({ status: undefined, orderRef: undefined });

const ENVELOPE_KEYS = [
  'content',
  'order_ref',
  'status_reason',
  'status_message',
  'message',
  'is_success',
  'status_code',
] as const;
const CONTENT_KEYS = ['status', 'order_ref'] as const;

/** A plain copy of `keys` of `source`, each read on its own: one whose getter throws is absent. */
function guardedCopy(source: object, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = field(source, key);
  return copy;
}

/** The envelope's fields as PortOne names them. */
interface RawEnvelope {
  readonly content?: unknown;
  readonly order_ref?: unknown;
  readonly status_reason?: unknown;
  readonly status_message?: unknown;
  readonly message?: unknown;
  readonly is_success?: unknown;
  readonly status_code?: unknown;
}

interface EnvelopeFields {
  readonly content: unknown;
  readonly orderRef: unknown;
  readonly statusReason: unknown;
  readonly statusMessage: unknown;
  readonly message: unknown;
  readonly isSuccess: unknown;
  readonly statusCode: unknown;
}

/**
 * The fields read by name, each from its own property access: bodies parsed from PortOne's JSON
 * share a few shapes, so these stay fast where a lookup by a computed name would not.
 */
function fieldsOf(body: RawEnvelope): EnvelopeFields {
  return {
    content: body.content,
    orderRef: body.order_ref,
    statusReason: body.status_reason,
    statusMessage: body.status_message,
    message: body.message,
    isSuccess: body.is_success,
    statusCode: body.status_code,
  };
}
