/**
 * Redaction: nothing secret reaches an error, an event, a log line or `toJSON()`. Keys, secrets,
 * signatures, JWTs, card numbers, CVV and OTPs are replaced wherever they appear.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEYS = new Set([
  'key',
  'secret',
  'secretkey',
  'clientkey',
  'xportoneclientkey',
  'portonekey',
  'portonesecret',
  'apikey',
  'token',
  'accesstoken',
  'refreshtoken',
  'jwt',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'signature',
  'signaturehash',
  'cardnumber',
  'pan',
  'cvv',
  'cvc',
  'cardcvv',
  'cvv2',
  'otp',
  'pin',
  'expiry',
  'cardexpiry',
  'expirymonth',
  'expiryyear',
]);

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');

/** True when a field or header of this name holds a secret. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(normaliseKey(key));
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const CARD = /\b\d(?:[ -]?\d){11,18}\b/g;
const PAIRS =
  /\b(key|secret|secret_key|client_key|token|access_token|jwt|signature|signature_hash|password|cvv|cvc|otp|pin|card_number)(["']?\s*[=:]\s*["']?)([^&\s"',}]+)/gi;

/** Masks secrets inside free text: JWTs, bearer tokens, Luhn-valid card numbers, key=value pairs. */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  return text
    .replace(JWT, REDACTED)
    .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(PAIRS, (_match, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(CARD, (match) => {
      const digits = match.replace(/[ -]/g, '');
      return passesLuhn(digits) ? `****${digits.slice(-4)}` : match;
    });
}

const MAX_DEPTH = 8;
const MAX_KEYS = 200;

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.slice(0, MAX_KEYS).map((item) => redactValue(item, depth + 1, seen));
    }
    if (typeof Headers !== 'undefined' && value instanceof Headers) return redactHeaders(value);
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Error) {
      return { name: value.name, message: redactText(value.message) };
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).slice(0, MAX_KEYS)) {
      let field: unknown;
      try {
        field = (value as Record<string, unknown>)[key];
      } catch {
        field = '[Unreadable]';
      }
      out[key] = isSensitiveKey(key) ? REDACTED : redactValue(field, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A deep copy of `value` with every secret replaced: values of sensitive keys become
 * `[REDACTED]` and every string goes through `redactText`. Cycle-safe, depth-capped, and it
 * never throws; the input is left untouched.
 */
export function redact(value: unknown): unknown {
  try {
    return redactValue(value, 0, new WeakSet());
  } catch {
    return REDACTED;
  }
}

/** Headers as a plain object with secret values (Authorization, client key, cookies) replaced. */
export function redactHeaders(
  headers: Headers | Readonly<Record<string, unknown>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  try {
    const entries: Iterable<[string, unknown]> =
      typeof Headers !== 'undefined' && headers instanceof Headers
        ? headers.entries()
        : Object.entries(headers);
    for (const [name, value] of entries) {
      if (value === undefined || value === null) continue;
      const text = Array.isArray(value) ? value.join(', ') : String(value);
      out[name] = isSensitiveKey(name) ? REDACTED : redactText(text);
    }
  } catch {
    // A header bag that cannot be read is reported as empty rather than risk a leak.
  }
  return out;
}

/** A URL with its userinfo dropped and secret query values replaced; origin and path are kept. */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return '';
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) {
      if (isSensitiveKey(name)) parsed.searchParams.set(name, REDACTED);
    }
    return redactText(parsed.toString().replace(encodeURIComponent(REDACTED), REDACTED));
  } catch {
    return redactText(url);
  }
}
