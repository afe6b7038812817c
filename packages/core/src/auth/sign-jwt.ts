/**
 * Signs the JWT PortOne expects: HS256 over `{ iss: "PORTONE", sub: key, iat, exp }`.
 *
 * `jose` is loaded with `import()` because it ships ESM only: a dynamic import works from the
 * CommonJS build on every Node ≥ 20, and it runs on Web Crypto, so no `node:` module is needed.
 */
export async function signPortOneJwt(
  key: string,
  secret: string,
  ttlSeconds: number,
  nowMs: number,
): Promise<string> {
  const { SignJWT } = await import('jose');
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('PORTONE')
    .setSubject(key)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
