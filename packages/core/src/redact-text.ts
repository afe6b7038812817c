/**
 * Secrets inside free text and inside single values: JWTs, bearer tokens, Luhn-valid card
 * numbers (as text or as numbers), `key=value` pairs with a secret name, and the merchant key in
 * PortOne paths. Every scan here is linear in its input, because the text is often the customer's
 * (an order field, a PSP's echo) and redaction runs on the event loop of a checkout server.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * The longest string redaction reads: 64 Ki UTF-16 code units. A longer one is cut, and marked,
 * before any pattern runs, so neither the scan nor what an error keeps grows with a hostile body.
 */
export const MAX_TEXT_LENGTH = 64 * 1024;

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
  'cardno',
  'cardnum',
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

/** Inside a `card` object these plain names hold the card number (`card: { number }`). */
const CARD_NUMBER_FIELDS = new Set(['number', 'no', 'num']);

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');

/** True when a field or header of this name holds a secret. */
export function isSensitiveKey(key: string): boolean {
  if (typeof key !== 'string') return false;
  const name = normaliseKey(key);
  return SENSITIVE_KEYS.has(name) || SENSITIVE_ENDINGS.some((ending) => name.endsWith(ending));
}

/** True for an object's name that says it is a card (`card`, `card_details`, `paymentCard`). */
export function isCardKey(key: string): boolean {
  return normaliseKey(key).includes('card');
}

/** True for a field that holds the card number when its object is a card. */
export function isCardNumberField(key: string): boolean {
  return CARD_NUMBER_FIELDS.has(normaliseKey(key));
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

/**
 * A number as a log may show it: a 13–19 digit integer that passes Luhn is a card number sent as
 * a JSON number, masked like one in text (last four kept). An integer beyond 2^53 has lost its
 * last digits to floating point, so Luhn cannot tell; its leading digits may still be a card's
 * (`4111111111111111000`), and no PortOne amount or id is that large, so it is redacted whole.
 */
export function redactNumber(value: number): number | string {
  if (!Number.isInteger(value) || Math.abs(value) < 1e12) return value;
  if (!Number.isSafeInteger(value)) return REDACTED;
  return redactDigits(String(Math.abs(value))) ?? value;
}

/** A BigInt as a log may show it: as text (JSON cannot carry it), masked like a number. */
export function redactBigInt(value: bigint): string {
  const digits = String(value < 0n ? -value : value);
  return redactDigits(digits) ?? String(value);
}

/** `****1234` for 13–19 digits that pass Luhn, else undefined. */
function redactDigits(digits: string): string | undefined {
  if (digits.length < 13 || digits.length > 19 || !passesLuhn(digits)) return undefined;
  return `****${digits.slice(-4)}`;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * Masks every card number in `text`: runs of digit groups joined by single spaces or dashes
 * ("4111 1111 1111 1111", "5555-5555-5555-4444"), not bounded by word edges (a card glued to
 * letters, "tx_4111…", is still a card). A card often sits beside other digits ("order 12 4111
 * 1111 1111 1111 12/25"), so in each run every group is tried as a start and, from it, the
 * longest span of whole groups with 12–19 digits that passes Luhn is masked (last four kept).
 * Written as a loop, not a regex: a repeated group in a regex keeps a backtrack entry per group,
 * which made `1 1 1 …` seconds long at 1 MiB.
 */
function maskCardNumbers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  // Where each group of the current run starts and ends in `text`; reused from run to run.
  const starts: number[] = [];
  const ends: number[] = [];
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    starts.length = 0;
    ends.length = 0;
    for (;;) {
      starts.push(i);
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      ends.push(i);
      const separator = text.charCodeAt(i);
      if ((separator === 32 || separator === 45) && isDigit(text.charCodeAt(i + 1))) i++;
      else break;
    }
    let g = 0;
    while (g < starts.length) {
      const last = longestCardFrom(text, starts, ends, g);
      if (last === -1) {
        g++;
        continue;
      }
      out += `${text.slice(copied, starts[g])}****${lastFourDigits(text, ends[last]!)}`;
      copied = ends[last]!;
      g = last + 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The last group of the longest span from group `first` with 12–19 digits that passes Luhn, or
 * -1. Luhn doubles every second digit counting from the right end, which moves as the span grows,
 * so sums are kept for both parities (plain and doubled, by offset from the start) and each end
 * is checked in constant time: at most 19 digits per start.
 */
function longestCardFrom(
  text: string,
  starts: readonly number[],
  ends: readonly number[],
  first: number,
): number {
  let found = -1;
  let count = 0;
  let plainEven = 0;
  let plainOdd = 0;
  let doubledEven = 0;
  let doubledOdd = 0;
  for (let g = first; g < starts.length; g++) {
    if (count + ends[g]! - starts[g]! > 19) break;
    for (let at = starts[g]!; at < ends[g]!; at++) {
      const d = text.charCodeAt(at) - 48;
      const doubled = d > 4 ? d * 2 - 9 : d * 2;
      if (count % 2 === 0) {
        plainEven += d;
        doubledEven += doubled;
      } else {
        plainOdd += d;
        doubledOdd += doubled;
      }
      count++;
    }
    // The last digit (offset count − 1) is plain; so is every offset of the same parity.
    const sum = count % 2 === 1 ? plainEven + doubledOdd : plainOdd + doubledEven;
    if (count >= 12 && sum % 10 === 0) found = g;
  }
  return found;
}

/** The four digits before `end`, skipping the separators between groups. */
function lastFourDigits(text: string, end: number): string {
  let digits = '';
  for (let at = end - 1; at >= 0 && digits.length < 4; at--) {
    if (isDigit(text.charCodeAt(at))) digits = text[at] + digits;
  }
  return digits;
}

/** Masks the value of every `name=value` / `name: value` / `"name": "value"` with a secret name. */
function maskPairs(text: string): string {
  // Most values (ids, amounts, names) have no separator at all.
  if (!text.includes('=') && !text.includes(':')) return text;
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
    let found = value.exec(text)?.[0];
    // JSON quoted inside a JSON string (`{\"secret\":\"…\"}`): the escape before the closing
    // quote stays, so the text around the mask still reads as it did.
    if (found !== undefined && quote !== undefined && separator.at(-2) === '\\') {
      let end = found.length;
      while (end > 0 && found.charCodeAt(end - 1) === 92) end--;
      found = found.slice(0, end);
    }
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

/**
 * Masks every JWT: three dot-separated base64url parts, the first starting with `eyJ` (`{"` in
 * base64). A single regex for this backtracks quadratically on `eyJ-eyJ-eyJ-…` (each `eyJ`
 * re-reads the rest of the run looking for a dot), so runs of token characters are found first
 * and split on dots, which reads every character a bounded number of times.
 */
function maskJwts(text: string): string {
  if (!text.includes('eyJ')) return text;
  return text.replace(TOKEN_RUN, (run) => (run.includes('eyJ') ? maskJwtsInRun(run) : run));
}

function maskJwtsInRun(run: string): string {
  const parts = run.split('.');
  const out: string[] = [];
  let i = 0;
  while (i < parts.length) {
    const part = parts[i]!;
    const at = part.indexOf('eyJ');
    // A header with at least one character after `eyJ`, a non-empty payload, and a dot after
    // the payload (the signature may be empty: an unsecured JWT is still a bearer of claims).
    if (at >= 0 && part.length > at + 3 && i + 2 < parts.length && parts[i + 1] !== '') {
      out.push(`${part.slice(0, at)}${REDACTED}`);
      i += 3;
    } else {
      out.push(part);
      i++;
    }
  }
  return out.join('.');
}

// The characters of a cut-off token, card or pair, which the cut must not leave half of.
const isTokenChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || // 0-9
  (code >= 65 && code <= 90) || // A-Z
  (code >= 97 && code <= 122) || // a-z
  code === 43 || // +
  code === 45 || // -
  code === 46 || // .
  code === 47 || // /
  code === 61 || // =
  code === 95 || // _
  code === 126; // ~
const isCardRunChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || code === 32 || code === 45;

/** How far back from the cut a half token or half card is dropped. */
const MAX_BACK_OFF = 1024;

/**
 * `text` cut to `MAX_TEXT_LENGTH` with a marker saying how much was dropped. The cut backs off
 * over a token or a grouped card number it would split: half a card can fail Luhn and half a
 * JWT can lose the dots that identify it, and either would then be kept as it is.
 */
export function truncateText(text: string): string {
  if (text.length <= MAX_TEXT_LENGTH) return text;
  let cut = MAX_TEXT_LENGTH;
  const floor = cut - MAX_BACK_OFF;
  while (cut > floor && isTokenChar(text.charCodeAt(cut - 1))) cut--;
  while (cut > floor && isCardRunChar(text.charCodeAt(cut - 1))) cut--;
  // Never end on half a surrogate pair: the kept text stays valid UTF-16 where the input was.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…[truncated ${text.length - cut} chars]`;
}

// Paths where PortOne puts the merchant key as a segment (`/api/merchant/{key}/payouts`,
// `/api/{key}/transaction-details`), matched in URLs and wherever an answer quotes them back.
// Linear: a start needs the literal prefix and the segment cannot cross a `/`, so attempts
// read disjoint segments.
const KEY_IN_MERCHANT_PATH =
  /(\/api\/merchants?\/)[^/?#\s"'<>]+(?=\/(?:webhook|add-pay-channel|pay-channel|fetch-all-payments|payouts?|paymentLink)(?:[/?#\s"'<]|$))/g;
const KEY_IN_API_PATH =
  /(\/api\/)[^/?#\s"'<>]+(?=\/(?:transaction-details|update-transaction-details)(?:[/?#\s"'<]|$))/g;
// Runs of base64url characters and dots, where JWTs are looked for.
const TOKEN_RUN = /[A-Za-z0-9_.-]+/g;
// Linear: a start needs the literal scheme; the whitespace after it is read once per start.
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Only the name and separator are matched, so a harmless name never swallows a secret pair that
// follows it (`https://host/x?key=…`). A name starts where a word starts, which keeps the scan
// linear on long tokens.
// Quotes may be escaped (`\"secret\":\"…\"`), any number of times: JSON quoted in a JSON string.
const PAIR_HEAD = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]*)(\\*["']?[ \t]*[=:][ \t]*\\*["']?)/g;
const BARE_VALUE = /[^&\s"',;}]+/y;
const DOUBLE_QUOTED = /[^"]*/y;
const SINGLE_QUOTED = /[^']*/y;

/**
 * The scans of `redactText`, in the order they run, each named for what it masks. Exported for
 * the tests that hold each to linear time on its own worst case; not part of the public API.
 */
export const TEXT_SCANS: ReadonlyArray<readonly [name: string, scan: (text: string) => string]> = [
  ['jwt', maskJwts],
  [
    'merchant key in a merchant path',
    (text) => (text.includes('/api/') ? text.replace(KEY_IN_MERCHANT_PATH, `$1${REDACTED}`) : text),
  ],
  [
    'merchant key in an API path',
    (text) => (text.includes('/api/') ? text.replace(KEY_IN_API_PATH, `$1${REDACTED}`) : text),
  ],
  [
    'bearer token',
    (text) => text.replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`),
  ],
  ['secret pair', maskPairs],
  ['card number', maskCardNumbers],
];

/**
 * Masks secrets inside free text: JWTs, bearer tokens, Luhn-valid card numbers (last four kept),
 * `key=value` pairs with a secret name, and the merchant key in PortOne paths it quotes. Text
 * longer than `MAX_TEXT_LENGTH` is cut first (with a marker); every scan is linear in it.
 */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  try {
    let out = truncateText(text);
    for (const [, scan] of TEXT_SCANS) out = scan(out);
    return out;
  } catch {
    // Only a pathological string gets here; dropping it is safer than showing it.
    return REDACTED;
  }
}
