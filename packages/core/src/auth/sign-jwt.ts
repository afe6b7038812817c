/**
 * Signs the JWT PortOne expects: HS256 over `{ iss: "PORTONE", sub: key, iat, exp }`.
 *
 * With Web Crypto's HMAC, which every runtime the SDK supports has (Node ≥ 20, browsers,
 * workers, Deno, Bun): no `node:` module and no JWT library, which would outweigh the rest of
 * core in a bundle for the one token PortOne needs.
 */
export async function signPortOneJwt(
  key: string,
  secret: string,
  ttlSeconds: number,
  nowMs: number,
): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Error(
      'Web Crypto (crypto.subtle) is not available here; pass token as a function returning a JWT',
    );
  }
  const iat = Math.floor(nowMs / 1000);
  const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
  const claims = encodeJson({ iss: 'PORTONE', sub: key, iat, exp: iat + ttlSeconds });
  const signingInput = `${header}.${claims}`;
  const hmac = await subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await subtle.sign('HMAC', hmac, encoder.encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

const encoder = new TextEncoder();

const encodeJson = (value: unknown): string => base64Url(encoder.encode(JSON.stringify(value)));

/** RFC 7515 base64url: the base64 alphabet's URL-safe variant, without padding. */
function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
