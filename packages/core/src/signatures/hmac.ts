/**
 * HMAC-SHA256 with Web Crypto, which every runtime the SDK supports has (Node ≥ 20, browsers,
 * workers, Deno, Bun), so signing and verifying run on edge runtimes too.
 */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Error('Web Crypto (crypto.subtle) is not available in this runtime');
  }
  const key = await subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await subtle.sign('HMAC', key, encoder.encode(message)));
}

/** Standard base64 with padding, as PortOne's `signature_hash`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The 32 bytes of a base64 HMAC-SHA256, or `undefined` when the text is not one. Only the exact
 * form PortOne sends (43 characters and one `=`) is read, so nothing lenient sits in front of the
 * comparison.
 */
export function fromBase64Digest(text: string): Uint8Array | undefined {
  if (!DIGEST_BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compares two equal-length digests in time that does not depend on where they differ, so a
 * forger cannot find the right signature byte by byte from response times.
 */
export function timingSafeEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let i = 0; i < left.length; i += 1) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

const encoder = new TextEncoder();
const DIGEST_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
