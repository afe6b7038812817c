/**
 * Redaction: nothing secret reaches an error, an event, a log line or `toJSON()`. Keys, secrets,
 * signatures, JWTs, card numbers, CVV and OTPs are replaced wherever they appear.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Field and header names (lower case, `-`, `_` and spaces removed) whose values are secret. */
const SENSITIVE_KEYS = new Set([
  // PortOne names the merchant key `key` in bodies and `X-Portone-Client-Key` in headers.
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

/**
 * Endings that make any name secret (`client_secret`, `x-api-key`, `id_token`, `webhook_secret`).
 * A bare `key` ending is not among them: `idempotency_key` or `sort_key` are not secrets, and
 * over-matching them would hide what support needs to read.
 */
const SENSITIVE_ENDINGS = [
  'secret',
  'secretkey',
  'clientkey',
  'apikey',
  'privatekey',
  'token',
  'password',
  'passwd',
  'signature',
  'signaturehash',
  'cardnumber',
  'cvv',
];

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');

/** True when a field or header of this name holds a secret. */
export function isSensitiveKey(key: string): boolean {
  if (typeof key !== 'string') return false;
  const name = normaliseKey(key);
  return SENSITIVE_KEYS.has(name) || SENSITIVE_ENDINGS.some((ending) => name.endsWith(ending));
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

/** The digit groups of a run, each with where it starts in the run. */
function groupsOf(run: string): Array<{ digits: string; start: number; end: number }> {
  const groups: Array<{ digits: string; start: number; end: number }> = [];
  for (const match of run.matchAll(/\d+/g)) {
    groups.push({ digits: match[0], start: match.index, end: match.index + match[0].length });
  }
  return groups;
}

/**
 * Masks every card number inside a run of digit groups. A card often sits beside other digits
 * ("order 12 4111 1111 1111 1111 12/25"), so each group is tried as a start and, from it, the
 * longest span of whole groups with 12–19 digits that passes Luhn is masked.
 */
function maskCards(run: string): string {
  const groups = groupsOf(run);
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < groups.length) {
    let digits = '';
    let found: { digits: string; last: number } | undefined;
    for (let j = i; j < groups.length; j++) {
      digits += groups[j]!.digits;
      if (digits.length > 19) break;
      if (digits.length >= 12 && passesLuhn(digits)) found = { digits, last: j };
    }
    if (found === undefined) {
      i++;
      continue;
    }
    const start = groups[i]!.start;
    out += `${run.slice(copied, start)}****${found.digits.slice(-4)}`;
    copied = groups[found.last]!.end;
    i = found.last + 1;
  }
  return out + run.slice(copied);
}

/** Masks the value of every `name=value` / `name: value` / `"name": "value"` with a secret name. */
function maskPairs(text: string): string {
  let out = '';
  let copied = 0;
  PAIR_HEAD.lastIndex = 0;
  for (let head = PAIR_HEAD.exec(text); head !== null; head = PAIR_HEAD.exec(text)) {
    const [whole, name = '', separator = ''] = head;
    if (!isSensitiveKey(name)) continue;
    const valueStart = head.index + whole.length;
    const quote = separator.endsWith('"') || separator.endsWith("'") ? separator.at(-1) : undefined;
    const value = quote === undefined ? BARE_VALUE : quote === '"' ? DOUBLE_QUOTED : SINGLE_QUOTED;
    value.lastIndex = valueStart;
    const found = value.exec(text)?.[0];
    if (found === undefined || found === '') continue;
    // `Authorization: Bearer [REDACTED]`: the scheme is harmless and its token is already gone.
    if (
      /^(Bearer|Basic)$/i.test(found) &&
      text.startsWith(` ${REDACTED}`, valueStart + found.length)
    ) {
      continue;
    }
    out += `${text.slice(copied, valueStart)}${REDACTED}`;
    copied = valueStart + found.length;
    PAIR_HEAD.lastIndex = copied;
  }
  return out + text.slice(copied);
}

// Paths where PortOne puts the merchant key as a segment (`/api/merchant/{key}/payouts`,
// `/api/{key}/transaction-details`), matched in URLs and wherever an answer quotes them back.
const KEY_IN_MERCHANT_PATH =
  /(\/api\/merchants?\/)[^/?#\s"'<>]+(?=\/(?:webhook|add-pay-channel|pay-channel|fetch-all-payments|payouts?|paymentLink)(?:[/?#\s"'<]|$))/g;
const KEY_IN_API_PATH =
  /(\/api\/)[^/?#\s"'<>]+(?=\/(?:transaction-details|update-transaction-details)(?:[/?#\s"'<]|$))/g;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Digit groups joined by single spaces or dashes. Not bounded by \b: a card glued to letters
// ("tx_4111…") is still a card.
const CARD_RUN = /(?<!\d)\d+(?:[ -]\d+)*(?!\d)/g;
// Only the name and separator are matched, so a harmless name never swallows a secret pair that
// follows it (`https://host/x?key=…`). A name starts where a word starts, which keeps the scan
// linear on long tokens.
const PAIR_HEAD = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]*)(["']?[ \t]*[=:][ \t]*["']?)/g;
const BARE_VALUE = /[^&\s"',;}]+/y;
const DOUBLE_QUOTED = /[^"]*/y;
const SINGLE_QUOTED = /[^']*/y;

/**
 * Masks secrets inside free text: JWTs, bearer tokens, Luhn-valid card numbers (last four kept),
 * `key=value` pairs with a secret name, and the merchant key in PortOne paths it quotes.
 */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  try {
    const masked = maskPairs(
      text
        .replace(JWT, REDACTED)
        .replace(KEY_IN_MERCHANT_PATH, `$1${REDACTED}`)
        .replace(KEY_IN_API_PATH, `$1${REDACTED}`)
        .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`),
    );
    return masked.replace(CARD_RUN, (run) =>
      run.replace(/[ -]/g, '').length < 12 ? run : maskCards(run),
    );
  } catch {
    // Only a pathological string gets here; dropping it is safer than showing it.
    return REDACTED;
  }
}

const MAX_DEPTH = 8;
const MAX_KEYS = 200;

function redactObject(value: object, depth: number, seen: WeakSet<object>): unknown {
  if (Array.isArray(value)) {
    return value.slice(0, MAX_KEYS).map((item) => redactValue(item, depth + 1, seen));
  }
  if (typeof Headers !== 'undefined' && value instanceof Headers) return redactHeaders(value);
  if (typeof URLSearchParams !== 'undefined' && value instanceof URLSearchParams) {
    return redactEntries(value.entries(), depth, seen);
  }
  if (value instanceof Map) return redactEntries(value.entries(), depth, seen);
  if (value instanceof Set) return redactValue([...value], depth, seen);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  // Raw bytes may hold anything; their size is all a log needs.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `[Binary ${value.byteLength} bytes]`;
  }
  return redactEntries(
    Object.keys(value)
      .slice(0, MAX_KEYS)
      .map((key) => [key, readField(value, key)] as const),
    depth,
    seen,
  );
}

function readField(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

function redactEntries(
  entries: Iterable<readonly [unknown, unknown]>,
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [rawKey, field] of entries) {
    if (++count > MAX_KEYS) break;
    const key = typeof rawKey === 'string' ? rawKey : String(redactValue(rawKey, depth + 1, seen));
    out[key] = isSensitiveKey(key) ? REDACTED : redactValue(field, depth + 1, seen);
  }
  return out;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return redactText(value);
    // BigInt would make the JSON.stringify of a log line throw.
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    return redactObject(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

/**
 * A deep copy of `value` with every secret replaced: values of sensitive keys become
 * `[REDACTED]` and every string goes through `redactText`. Cycle-safe, depth-capped, JSON-safe
 * (BigInt becomes a string), and it never throws; the input is left untouched.
 */
export function redact(value: unknown): unknown {
  try {
    return redactValue(value, 0, new WeakSet());
  } catch {
    // A proxy whose traps throw: nothing of it can be shown safely.
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

/**
 * A URL with its userinfo dropped, secret query values replaced, and (through `redactText`) the
 * merchant key masked where PortOne puts it in the path; origin and the rest of the path are
 * kept. A path-only URL (`/api/…?key=…`) is treated the same way; other input goes through
 * `redactText`.
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return '';
  try {
    const relative = url.startsWith('/') && !url.startsWith('//');
    const parsed = new URL(url, relative ? RELATIVE_BASE : undefined);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) {
      if (isSensitiveKey(name)) parsed.searchParams.set(name, REDACTED);
    }
    const text = relative ? parsed.href.slice(RELATIVE_BASE.length) : parsed.href;
    return redactText(text.replaceAll(encodeURIComponent(REDACTED), REDACTED));
  } catch {
    return redactText(url);
  }
}

const RELATIVE_BASE = 'http://relative.invalid';

const ERROR_FIELDS = ['code', 'errno', 'syscall', 'status'] as const;
const REDACTED_ERROR = Symbol.for('portone-retry.redacted-error');

/** Marks an error whose every exposed part was already redacted (e.g. an adapter's copy). */
export function markRedacted<E extends object>(error: E): E {
  Object.defineProperty(error, REDACTED_ERROR, { value: true });
  return error;
}

/**
 * A copy of a thrown error that is safe to keep as a `cause`: message and stack redacted, its
 * `code`/`errno`/`syscall` kept (they classify transport failures), its cause chain redacted
 * the same way (four levels deep), and nothing else — no request config, no headers.
 */
export function redactError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) {
    return typeof error === 'string' ? redactText(error) : redact(error);
  }
  // Already made safe by an adapter, which kept its own class (an AxiosError stays one).
  if ((error as unknown as Record<symbol, unknown>)[REDACTED_ERROR] === true) return error;
  try {
    const cause = (error as { cause?: unknown }).cause;
    const copy = new Error(
      redactText(error.message),
      cause === undefined || depth >= 4 ? undefined : { cause: redactError(cause, depth + 1) },
    );
    copy.name = error.name;
    copy.stack = redactText(error.stack ?? '');
    for (const field of ERROR_FIELDS) {
      const value = (error as unknown as Record<string, unknown>)[field];
      if (typeof value === 'string' || typeof value === 'number') {
        (copy as unknown as Record<string, unknown>)[field] =
          typeof value === 'string' ? redactText(value) : value;
      }
    }
    return markRedacted(copy);
  } catch {
    return new Error('[unreadable error]');
  }
}
