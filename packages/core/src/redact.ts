/**
 * Redaction: nothing secret reaches an error, an event, a log line or `toJSON()`. Keys, secrets,
 * signatures, JWTs, card numbers, CVV and OTPs are replaced wherever they appear.
 */

import {
  isCardKey,
  isCardNumberField,
  isSensitiveKey,
  REDACTED,
  redactBigInt,
  redactNumber,
  redactText,
} from './redact-text.js';

export { isSensitiveKey, REDACTED, redactText } from './redact-text.js';

/** How deep into nested objects and arrays redaction goes; deeper values become `[Truncated]`. */
const MAX_DEPTH = 8;
/** How many fields of one object (or items of one array, Map or Set) are kept. */
const MAX_KEYS = 200;
/**
 * How many values one `redact()` call visits in all. Depth and width alone allow 200^8 values;
 * this keeps the cost of a hostile body, and what an error holds of it, bounded.
 */
const MAX_VALUES = 5_000;
/** How many characters of text one `redact()` call reads in all (each string is also capped). */
const MAX_TOTAL_TEXT = 1024 * 1024;

/** One walk's state: what is on the current path (cycles) and what the walk has spent. */
interface Walk {
  readonly path: WeakSet<object>;
  values: number;
  text: number;
}

/** Where a value sits: under a card object, its `number` field is the card number. */
type Place = 'card' | 'other';

function redactObject(value: object, depth: number, walk: Walk, place: Place): unknown {
  if (Array.isArray(value)) return redactList(value, depth, walk, place);
  if (typeof Headers !== 'undefined' && value instanceof Headers) return redactHeaders(value);
  if (typeof URLSearchParams !== 'undefined' && value instanceof URLSearchParams) {
    return redactEntries(value.entries(), depth, walk, place);
  }
  if (typeof FormData !== 'undefined' && value instanceof FormData) {
    return redactEntries(value.entries(), depth, walk, place);
  }
  if (value instanceof Map) return redactEntries(value.entries(), depth, walk, place);
  if (value instanceof Set) return redactList(value, depth, walk, place);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (value instanceof Error) return { name: value.name, message: walkText(value.message, walk) };
  // Raw bytes may hold anything and are never read; their size is all a log needs.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `[Binary ${value.byteLength} bytes]`;
  }
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) {
    return `[Binary ${value.byteLength} bytes]`;
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) return `[Blob ${value.size} bytes]`;
  // `new String('4111…')` would otherwise show its characters one field at a time.
  if (value instanceof String || value instanceof Number || value instanceof Boolean) {
    return redactValue(value.valueOf(), depth, walk, place);
  }
  const keys = Object.keys(value);
  const fields = keys.slice(0, MAX_KEYS).map((key) => [key, readField(value, key)] as const);
  const out = redactEntries(fields, depth, walk, place);
  if (keys.length > MAX_KEYS) out['…'] = `[${keys.length - MAX_KEYS} more fields]`;
  return out;
}

function redactList(items: Iterable<unknown>, depth: number, walk: Walk, place: Place): unknown[] {
  const out: unknown[] = [];
  let count = 0;
  for (const item of items) {
    if (count++ === MAX_KEYS) {
      out.push('[more items]');
      break;
    }
    out.push(redactValue(item, depth + 1, walk, place));
  }
  return out;
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
  walk: Walk,
  place: Place,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [rawKey, field] of entries) {
    if (++count > MAX_KEYS) break;
    const key =
      typeof rawKey === 'string' ? rawKey : String(redactValue(rawKey, depth + 1, walk, 'other'));
    const secret = isSensitiveKey(key) || (place === 'card' && isCardNumberField(key));
    const safe = secret ? REDACTED : redactValue(field, depth + 1, walk, childPlace(key));
    // A `__proto__` field (JSON.parse makes one) is kept as data, never as the copy's prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: safe, enumerable: true, writable: true });
    } else {
      out[key] = safe;
    }
  }
  return out;
}

const childPlace = (key: string): Place => (isCardKey(key) ? 'card' : 'other');

/** A string, counted against the walk's text budget, then cut and masked by `redactText`. */
function walkText(text: string, walk: Walk): string {
  if (walk.text >= MAX_TOTAL_TEXT) return `[Truncated ${text.length} chars]`;
  walk.text += Math.min(text.length, MAX_TOTAL_TEXT);
  return redactText(text);
}

function redactValue(value: unknown, depth: number, walk: Walk, place: Place): unknown {
  if (++walk.values > MAX_VALUES) return '[Truncated]';
  switch (typeof value) {
    case 'string':
      return walkText(value, walk);
    // A card number sent as a JSON number is masked like one in text.
    case 'number':
      return redactNumber(value);
    // BigInt would make the JSON.stringify of a log line throw, so it becomes text.
    case 'bigint':
      return redactBigInt(value);
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (walk.path.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  walk.path.add(value);
  try {
    return redactObject(value, depth, walk, place);
  } finally {
    walk.path.delete(value);
  }
}

/**
 * A deep copy of `value` with every secret replaced: values of sensitive keys become
 * `[REDACTED]`, the `number` of a card object too, every string goes through `redactText`, and a
 * number or BigInt that is a Luhn-valid card number is masked (`****1111`). Maps, Sets, Headers,
 * URLSearchParams and FormData are walked; typed arrays, Buffers, ArrayBuffers and Blobs become a
 * size marker without being read. Cycle-safe and bounded (8 levels, 200 fields per object, 5,000
 * values and 1 MiB of text per call, 64 KiB per string), JSON-safe, and it never throws; the
 * input is left untouched.
 */
export function redact(value: unknown): unknown {
  try {
    return redactValue(value, 0, { path: new WeakSet(), values: 0, text: 0 }, 'other');
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
/** How deep a cause chain is copied, and how many members of an AggregateError. */
const MAX_CAUSE_DEPTH = 4;
const MAX_MEMBERS = 10;

/**
 * Marks an error whose every exposed part was already redacted (an adapter's copy, a
 * `PortOneError`), so `redactError` hands it back as it is instead of walking it again.
 */
export function markRedacted<E extends object>(error: E): E {
  Object.defineProperty(error, REDACTED_ERROR, { value: true });
  return error;
}

const isMarked = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as Record<symbol, unknown>)[REDACTED_ERROR] === true;

function read(value: object, name: string): unknown {
  try {
    return (value as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** A request or response body: JSON text is parsed so its fields are judged by their names. */
function redactBody(data: unknown): unknown {
  if (typeof data !== 'string') return redact(data);
  const start = data.trimStart()[0];
  if ((start === '{' || start === '[') && data.length <= MAX_BODY_TO_PARSE) {
    try {
      return redact(JSON.parse(data));
    } catch {
      // Not JSON after all: redacted as text below.
    }
  }
  return redactText(data);
}

/** Longer text is not parsed, only cut and masked as text. */
const MAX_BODY_TO_PARSE = 64 * 1024;

/**
 * The parts of an HTTP client's request or response (axios's `config` and `response`, ky's
 * `request` and `response`) that help debugging, each redacted; sockets, agents and the rest are
 * left out.
 */
function redactExchange(part: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['method', 'status', 'statusText', 'timeout'] as const) {
    const value = read(part, name);
    if (typeof value === 'number') out[name] = value;
    else if (typeof value === 'string') out[name] = redactText(value);
  }
  for (const name of ['url', 'baseURL'] as const) {
    const value = read(part, name);
    if (typeof value === 'string') out[name] = redactUrl(value);
  }
  const headers = read(part, 'headers');
  if (isObject(headers)) {
    // AxiosHeaders keeps each header as an own field; Headers is read through its entries.
    out.headers = redactHeaders(headers as Record<string, unknown>);
  }
  for (const name of ['params', 'data'] as const) {
    const value = read(part, name);
    if (value !== undefined) out[name] = redactBody(value);
  }
  return out;
}

/** A platform abort (`signal.abort()`, `AbortSignal.timeout()`) carries nothing to redact. */
function isPlainAbort(error: Error): boolean {
  return (
    typeof DOMException !== 'undefined' &&
    error instanceof DOMException &&
    (error.name === 'AbortError' || error.name === 'TimeoutError') &&
    redactText(error.message) === error.message
  );
}

/**
 * A copy of a thrown error that is safe to keep as a `cause`: message and stack redacted; its
 * `code`/`errno`/`syscall`/`status` kept (they classify transport failures); the request and
 * answer of an HTTP client's error (`config`, `request`, `response`: method, URL, headers, body)
 * redacted deeply; its cause chain and AggregateError members redacted the same way (four levels
 * deep); nothing else. An error already marked redacted is returned as it is, so a cause is
 * never walked twice. Anything else thrown is redacted as a value.
 */
export function redactError(error: unknown, depth = 0): unknown {
  if (isMarked(error)) return error;
  if (!(error instanceof Error)) {
    if (typeof error === 'string') return redactText(error);
    return typeof error === 'symbol' ? redactText(error.toString()) : redact(error);
  }
  if (isPlainAbort(error)) return error;
  try {
    const cause = read(error, 'cause');
    const options =
      cause === undefined || depth >= MAX_CAUSE_DEPTH
        ? undefined
        : { cause: redactError(cause, depth + 1) };
    const message = redactText(String(read(error, 'message') ?? ''));
    const copy =
      error instanceof AggregateError
        ? new AggregateError(redactMembers(error, depth), message, options)
        : new Error(message, options);
    // Not enumerable, as on the original: a copy compares and prints like the error it copies.
    Object.defineProperty(copy, 'name', {
      value: String(read(error, 'name') ?? 'Error'),
      writable: true,
      configurable: true,
    });
    copy.stack = redactText(String(read(error, 'stack') ?? ''));
    const fields = copy as unknown as Record<string, unknown>;
    for (const field of ERROR_FIELDS) {
      const value = read(error, field);
      if (typeof value === 'string') fields[field] = redactText(value);
      else if (typeof value === 'number') fields[field] = value;
    }
    for (const part of ['config', 'request', 'response'] as const) {
      const value = read(error, part);
      if (isObject(value)) fields[part] = redactExchange(value);
    }
    return markRedacted(copy);
  } catch {
    return markRedacted(new Error('[unreadable error]'));
  }
}

function redactMembers(error: AggregateError, depth: number): unknown[] {
  const members = read(error, 'errors');
  if (!Array.isArray(members) || depth >= MAX_CAUSE_DEPTH) return [];
  return members.slice(0, MAX_MEMBERS).map((member) => redactError(member, depth + 1));
}
