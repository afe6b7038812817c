import type { OperationKind } from './engine/types.js';

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

/** Common methods in either case, to their upper case: most calls need no case conversion. */
const UPPER_METHODS = new Map(
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].flatMap((m) => [
    [m, m],
    [m.toLowerCase(), m],
  ]),
);

/** `method` in upper case, as the adapters compare it. */
export function upperMethod(method: string): string {
  return UPPER_METHODS.get(method) ?? method.toUpperCase();
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

/**
 * The merchant order ref a create request carries (`merchant_order_id`, `merchant_order_ref` or
 * a payment link's `payment_link_merchant_order_ref`), from a JSON string, form string, URLSearchParams, FormData
 * or plain object. Anything else gives undefined: such a create is never re-sent when ambiguous.
 */
export function orderRefOf(body: unknown): string | undefined {
  const fields = fieldsOf(body);
  if (fields === undefined) return undefined;
  for (const name of ORDER_REF_FIELDS) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** The status endpoint for a merchant order ref, under `baseUrl`. */
export function statusUrl(baseUrl: string, orderRef: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/transaction/${encodeURIComponent(orderRef)}/status`;
}

/** The PSP channel a request names (`pmt_channel`), for per-channel circuit breakers. */
export function channelOf(body: unknown): string | undefined {
  const value = fieldsOf(body)?.pmt_channel;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * `isPortOneUrl` for one base URL, prepared once: a plain string-prefix test on the hot path,
 * with the full URL comparison only for URLs the prefix does not settle.
 */
export function portOneUrlMatcher(baseUrl: string = DEFAULT_BASE_URL): (url: string) => boolean {
  let prefix: string;
  try {
    const base = new URL(baseUrl);
    prefix = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  } catch {
    return () => false;
  }
  return (url) => {
    if (url.startsWith(prefix)) {
      const next = url.charAt(prefix.length);
      if (next === '' || next === '/' || next === '?' || next === '#') return true;
    }
    return isPortOneUrl(url, baseUrl);
  };
}
