import { OPERATIONS } from '../operations/catalogue.js';
import { fieldsOf } from '../operations/fields.js';

/**
 * PortOne's paths, from the operation catalogue (its OpenAPI specs). A request's path is matched
 * against these so that every order ref, link ref and merchant key collapses into one breaker
 * per endpoint, and no key or ref ever appears in a breaker key (they reach `circuit` events and
 * logs).
 */
const ROUTES: readonly string[] = [...new Set(OPERATIONS.map((operation) => operation.path))];

const SPLIT_ROUTES = ROUTES.map((route) => route.split('/'));

/** Body fields that name the PSP channel a request goes through. */
const CHANNEL_FIELDS = ['pmt_channel', 'payout_channel', 'channel_key'] as const;

const isParam = (segment: string) => segment.startsWith('{');

/**
 * The template of a path under PortOne's API: the most specific route whose literal segments all
 * match wins (so `/api/subscription/createPlan` is not taken for `/api/subscription/{orderRef}`).
 */
function templateOf(path: string): string {
  // A base path in front of `/api` (a proxy prefix) is not part of the endpoint.
  const start = path.indexOf('/api/');
  const segments = (start >= 0 ? path.slice(start) : path).replace(/\/+$/, '').split('/');
  let best: string[] | undefined;
  let bestLiterals = -1;
  for (const route of SPLIT_ROUTES) {
    if (route.length !== segments.length) continue;
    let literals = 0;
    const matches = route.every((part, i) => {
      if (isParam(part)) return segments[i] !== '';
      literals += 1;
      return part === segments[i];
    });
    if (matches && literals > bestLiterals) {
      best = route;
      bestLiterals = literals;
    }
  }
  if (best !== undefined) return best.join('/');
  // Not a documented path: keep the words, hide whatever looks like an id, ref or key.
  return segments
    .map((segment) =>
      segment === '' || /^[A-Za-z][A-Za-z_-]{0,31}$/.test(segment) ? segment : '{id}',
    )
    .join('/');
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? '';
  }
}

/**
 * The PSP channel a request body names (`pmt_channel` for payments, `payout_channel` for
 * payouts, or a top-level `channel_key`), from a plain object, JSON or form string,
 * URLSearchParams or FormData; undefined when it names none.
 */
export function pspChannelOf(body: unknown): string | undefined {
  const fields = fieldsOf(body);
  for (const name of CHANNEL_FIELDS) {
    const value = fields?.[name];
    // Channel keys are short upper-case names (MOMOPAY, OMISE): anything else is not one.
    if (typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value.trim())) {
      return value.trim().toUpperCase();
    }
  }
  return undefined;
}

/**
 * The circuit-breaker key of a request: method and path template, plus the PSP channel when the
 * body names one, e.g. `POST /api/initiatePayment @MOMOPAY`. One PSP's outage then opens only its
 * own breaker, and payments through other channels go on.
 */
export function breakerKeyOf(method: string, url: string, body?: unknown): string {
  if (typeof method !== 'string' || method === '') {
    throw new TypeError('breakerKeyOf: method must be a non-empty string');
  }
  if (typeof url !== 'string') throw new TypeError('breakerKeyOf: url must be a string');
  return withChannel(`${method.toUpperCase()} ${templateOf(pathOf(url))}`, body);
}

/** An endpoint's breaker key for a request body: the endpoint, then ` @CHANNEL` when it names one. */
export function withChannel(endpoint: string, body: unknown): string {
  const channel = pspChannelOf(body);
  return channel === undefined ? endpoint : `${endpoint} @${channel}`;
}
