/** The claims of a JWT that the token cache reads. Unverified: they only decide when to renew. */
export interface JwtClaims {
  readonly exp?: unknown;
  readonly sub?: unknown;
}

/**
 * Decodes a JWT's payload without verifying it (the SDK holds no key for a token the user's
 * function returns). Base64url is decoded by hand and as UTF-8, so it runs the same on Node,
 * browsers and edge runtimes. Anything unreadable gives `{}`: such a token is simply not cached.
 */
export function readJwtClaims(token: string): JwtClaims {
  const payload = token.split('.')[1];
  if (payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return {};
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
  } catch {
    return {};
  }
}
