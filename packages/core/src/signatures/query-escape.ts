/**
 * Go's `url.Values.Encode`, which PortOne signs: pairs sorted by key, `key=value` joined by `&`,
 * each side escaped by `url.QueryEscape`.
 *
 * `encodeURIComponent` and `URLSearchParams` do not match it: the first leaves `!'()*` as they
 * are, the second leaves `*` and escapes `~`. Either one gives a different signature for a URL
 * or a name holding those characters, which PortOne then rejects with 4011.
 */
export function goQueryEncode(values: Readonly<Record<string, string>>): string {
  return Object.keys(values)
    .sort(compareBytes)
    .map((key) => `${queryEscape(key)}=${queryEscape(values[key] ?? '')}`)
    .join('&');
}

/**
 * Go's `url.QueryEscape`: letters, digits and `-_.~` stay; a space becomes `+`; every other byte
 * of the UTF-8 encoding becomes `%XX` with upper-case hex.
 */
export function queryEscape(text: string): string {
  let escaped = '';
  for (const byte of encoder.encode(text)) {
    if (isUnreserved(byte)) escaped += String.fromCharCode(byte);
    else if (byte === SPACE) escaped += '+';
    else escaped += `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
  }
  return escaped;
}

const encoder = new TextEncoder();
const HEX = '0123456789ABCDEF';
const SPACE = 0x20;

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/** Go sorts keys as byte strings; JavaScript's default sort compares UTF-16 code units. */
function compareBytes(a: string, b: string): number {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
