import type { Attributes } from '@opentelemetry/api';
import type { PaymentStatus } from '@portone-retry/core';
import { sha256Hex } from './sha256.js';

/**
 * Attribute names. HTTP ones follow the OpenTelemetry HTTP client conventions; the `portone.*`
 * ones carry what only this SDK knows. Metrics use the same names as labels.
 */
export const ATTR = {
  method: 'http.request.method',
  url: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  statusCode: 'http.response.status_code',
  resendCount: 'http.request.resend_count',
  errorType: 'error.type',
  operation: 'portone.operation',
  operationId: 'portone.operation_id',
  orderRefHash: 'portone.order_ref.hash',
  code: 'portone.code',
  series: 'portone.series',
  outcome: 'portone.outcome',
  settledBy: 'portone.settled_by',
  attempts: 'portone.attempts',
  paymentStatus: 'portone.payment.status',
  lookupPurpose: 'portone.lookup.purpose',
  lookupFound: 'portone.lookup.found',
  polls: 'portone.polls',
  delayMs: 'portone.delay_ms',
  reconcileAction: 'portone.reconcile.action',
  circuitKey: 'portone.circuit.key',
} as const;

/** Hex digits of the order ref's SHA-256 kept: 64 bits, enough to join spans and logs. */
const HASH_HEX_DIGITS = 16;

/**
 * The order ref, hashed: support can match a trace to an order (hash the ref they hold) while
 * the tracing backend never stores it. Refs are often guessable, so this hides them from a
 * casual reader, not from someone who enumerates refs.
 */
export function hashOrderRef(orderRef: string): string {
  return sha256Hex(orderRef).slice(0, HASH_HEX_DIGITS);
}

const PAYMENT_STATUSES: ReadonlySet<string> = new Set<PaymentStatus>([
  'Success',
  'Failed',
  'Pending',
  'Expired',
]);

/** A payment status, or undefined for anything else an answer carried (free text stays out). */
export function paymentStatusOf(status: unknown): PaymentStatus | undefined {
  return typeof status === 'string' && PAYMENT_STATUSES.has(status)
    ? (status as PaymentStatus)
    : undefined;
}

/**
 * The endpoint's name for span names and metric labels: the catalogue id when the engine gives
 * one, else method and path template (`GET /api/transaction/{merchantOrderRef}/status`), in
 * which every ref, key and id is already replaced by its parameter name.
 */
export function operationOf(event: { readonly operation: string }): string {
  return event.operation;
}

/**
 * `url.full`, `server.address` and `server.port` of a request. The path is the endpoint's
 * template and every query value is dropped: a ref, a merchant key or a card number in a URL
 * never reaches the backend, even one the engine's redaction did not recognise.
 */
export function urlAttributes(endpoint: string, url: string): Attributes {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const template = endpoint.split(' ')[1] ?? '';
  const query = [...new Set(parsed.searchParams.keys())]
    .filter((name) => /^[A-Za-z_][\w.-]{0,63}$/.test(name))
    .map((name) => `${name}=REDACTED`);
  const port = parsed.port === '' ? (parsed.protocol === 'http:' ? 80 : 443) : Number(parsed.port);
  return {
    [ATTR.url]: `${parsed.origin}${template}${query.length === 0 ? '' : `?${query.join('&')}`}`,
    [ATTR.serverAddress]: parsed.hostname,
    [ATTR.serverPort]: port,
  };
}
