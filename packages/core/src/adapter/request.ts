import type { OperationKind } from '../engine/types.js';

/** PortOne's API origin. */
export const DEFAULT_BASE_URL = 'https://api.portone.cloud';

/**
 * POST paths that create a payment, link, subscription charge or payout. An ambiguous outcome of
 * one of these is reconciled by merchant order ref before anything is re-sent.
 */
const CREATE_PATHS: readonly RegExp[] = [
  /^\/api\/initiatePayment\/?$/,
  /^\/api\/paymentLink\/?$/,
  /^\/api\/subscription\/createSubscription\/?$/,
  /^\/api\/subscription\/createDeduction\/?$/,
  /^\/api\/subscription\/triggerNextDeduction\/?$/,
  /^\/api\/payout\/transaction\/?$/,
];

/** POST paths that only read (PortOne uses POST for some look-ups); safe to re-send. */
const READ_POST_PATHS: readonly RegExp[] = [
  /^\/api\/transaction\/status\/?$/,
  /^\/api\/merchant\/[^/]+\/payouts\/?$/,
  /^\/api\/[^/]+\/transaction-details\/?$/,
  /^\/api\/merchant\/[^/]+\/fetch-all-payments\/?$/,
  /^\/api\/merchant\/generate-signature\/?$/,
  /^\/api\/merchant\/auth-token\/?$/,
];

/**
 * Body fields that carry the merchant's own reference for the payment being created:
 * initiatePayment and paymentLink name it `merchant_order_id`, subscriptions `merchant_order_ref`.
 */
const ORDER_REF_FIELDS = [
  'merchant_order_id',
  'merchant_order_ref',
  'payment_link_merchant_order_ref',
] as const;

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/**
 * True when `url` is under `baseUrl` (same origin, path starts with the base path). Requests to
 * other hosts pass through the adapters untouched.
 */
export function isPortOneUrl(url: string, baseUrl: string = DEFAULT_BASE_URL): boolean {
  try {
    const target = new URL(url);
    const base = new URL(baseUrl);
    if (target.origin !== base.origin) return false;
    const basePath = base.pathname.replace(/\/+$/, '');
    return (
      basePath === '' || target.pathname === basePath || target.pathname.startsWith(`${basePath}/`)
    );
  } catch {
    return false;
  }
}

/** `method` in upper case, as the adapters compare it. */
function upperMethod(method: string): string {
  return method.toUpperCase();
}

/** Decides how money moves with a request, from its method and path. */
export function operationKindOf(method: string, url: string): OperationKind {
  const upper = upperMethod(method);
  if (upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS') return 'read';
  const path = pathOf(url);
  if (upper === 'POST' && CREATE_PATHS.some((pattern) => pattern.test(path))) return 'create';
  if (upper === 'POST' && READ_POST_PATHS.some((pattern) => pattern.test(path))) return 'read';
  return 'mutate';
}

function fieldsOf(body: unknown): Record<string, unknown> | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.startsWith('{')) {
      try {
        return fieldsOf(JSON.parse(text));
      } catch {
        return undefined;
      }
    }
    if (text.includes('=')) return fieldsOf(new URLSearchParams(text));
    return undefined;
  }
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) {
    return Object.fromEntries(body.entries());
  }
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of body.entries()) if (typeof value === 'string') fields[key] = value;
    return fields;
  }
  if (typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  return undefined;
}

/** The first non-empty merchant order ref among a body's fields. */
function orderRefIn(fields: Record<string, unknown> | undefined): string | undefined {
  for (const name of ORDER_REF_FIELDS) {
    const value = fields?.[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/**
 * The merchant order ref a create request carries (`merchant_order_id`, `merchant_order_ref` or
 * a payment link's `payment_link_merchant_order_ref`), from a JSON string, form string,
 * URLSearchParams, FormData or plain object. Anything else gives undefined: such a create is
 * never re-sent when its outcome is unknown.
 */
export function orderRefOf(body: unknown): string | undefined {
  return orderRefIn(fieldsOf(body));
}

/** One call, as the engine needs to know it. */
export interface RequestDescription {
  /** Upper case. */
  readonly method: string;
  readonly kind: OperationKind;
  /** The merchant order ref of a create, when its body carries one. */
  readonly orderRef: string | undefined;
  /** The PSP channel a create names (`pmt_channel`), for per-channel breakers. */
  readonly channel: string | undefined;
}

/** Describes a request from its method, URL and body (read once, only for a create). */
export function describeRequest(method: string, url: string, body: unknown): RequestDescription {
  const upper = upperMethod(method);
  const kind = operationKindOf(upper, url);
  const fields = kind === 'create' ? fieldsOf(body) : undefined;
  const channel = fields?.pmt_channel;
  return {
    method: upper,
    kind,
    orderRef: orderRefIn(fields),
    channel: typeof channel === 'string' && channel.trim() !== '' ? channel : undefined,
  };
}

/** The status endpoint for a merchant order ref, under `baseUrl`. */
export function statusUrl(baseUrl: string, orderRef: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/transaction/${encodeURIComponent(orderRef)}/status`;
}

/**
 * A request's URL made absolute: a path (`/api/initiatePayment`) is resolved against PortOne's
 * base URL, keeping the base's own path prefix.
 */
export function absoluteUrl(url: string, baseUrl: string): string {
  if (/^[a-z][a-z\d+\-.]*:/i.test(url)) return url;
  return `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
