/**
 * Authentication for PortOne: `X-Portone-Client-Key: <key>` and `Authorization: Bearer <JWT>`,
 * the JWT signed HS256 with the merchant's secret (`iss: "PORTONE"`, `sub: <key>`). The secret
 * lives only in a closure here: it never reaches an error, an event, `toJSON()` or `inspect`.
 */

/** A function returning a JWT, or the key and secret from which the SDK signs one. */
export type TokenOption =
  | (() => string | Promise<string>)
  | {
      /** The PortOne key (sent as `X-Portone-Client-Key`, and the JWT's `sub`). */
      key: string;
      /** The PortOne secret key the JWT is signed with. */
      secret: string;
      /**
       * Lifetime of each signed token.
       * @default 21600 (6 hours, as PortOne's tokens)
       */
      ttlSeconds?: number;
    };

/** Supplies the auth headers of every PortOne request, caching the token until shortly before expiry. */
export interface TokenProvider {
  /** The headers to add: the client key (when known) and `Authorization: Bearer …`. */
  headers(): Promise<Record<string, string>>;
  /** Drops the cached token: the next `headers()` gets a fresh one (after a 401 / 4054). */
  refresh(): void;
}

/** A token is renewed this long before it expires, so no request leaves with a dying token. */
const EARLY_RENEWAL_MS = 60_000;

function claimsOf(token: string): { exp?: unknown; sub?: unknown } {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json === 'object' && json !== null ? json : {};
  } catch {
    return {};
  }
}

async function sign(
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

function validate(option: unknown): void {
  if (typeof option === 'function') return;
  if (typeof option !== 'object' || option === null) {
    throw new TypeError('token must be a function returning a JWT, or { key, secret }');
  }
  const { key, secret, ttlSeconds } = option as Record<string, unknown>;
  for (const name of Object.keys(option)) {
    if (!['key', 'secret', 'ttlSeconds'].includes(name))
      throw new TypeError(`token.${name} is not a token option`);
  }
  if (typeof key !== 'string' || key.trim() === '')
    throw new TypeError('token.key must be a non-empty string');
  if (typeof secret !== 'string' || secret === '')
    throw new TypeError('token.secret must be a non-empty string');
  if (
    ttlSeconds !== undefined &&
    (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < 60)
  ) {
    throw new TypeError('token.ttlSeconds must be a whole number of seconds ≥ 60');
  }
}

/**
 * Makes the token provider for an adapter's `token` option (undefined when there is none).
 * `now` is injectable for tests.
 */
export function resolveTokenProvider(
  option: TokenOption | undefined,
  now: () => number = Date.now,
): TokenProvider | undefined {
  if (option === undefined) return undefined;
  validate(option);
  // With a function provider, the key is the JWT's `sub` (PortOne's tokens carry it there).
  let key = typeof option === 'function' ? undefined : option.key;
  const issue: () => Promise<string> =
    typeof option === 'function'
      ? async () => {
          const token = await option();
          if (typeof token !== 'string' || token === '') {
            throw new TypeError('token provider must return a non-empty JWT string');
          }
          return token;
        }
      : (
          (secret: string, ttl: number) => () =>
            sign(option.key, secret, ttl, now())
        )(option.secret, option.ttlSeconds ?? 21_600);

  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const token = async (): Promise<string> => {
    if (cached !== undefined && now() < cached.renewAt) return cached.token;
    // Concurrent callers share one signing (or one call to the user's provider).
    inFlight ??= issue()
      .then((fresh) => {
        const claims = claimsOf(fresh);
        if (key === undefined && typeof claims.sub === 'string') key = claims.sub;
        cached =
          typeof claims.exp === 'number'
            ? { token: fresh, renewAt: claims.exp * 1000 - EARLY_RENEWAL_MS }
            : undefined;
        return fresh;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const provider: TokenProvider = {
    async headers() {
      const jwt = await token();
      return {
        ...(key === undefined ? {} : { 'X-Portone-Client-Key': key }),
        Authorization: `Bearer ${jwt}`,
      };
    },
    refresh() {
      cached = undefined;
    },
  };
  Object.defineProperty(provider, 'toJSON', { value: () => ({ type: 'TokenProvider' }) });
  Object.defineProperty(provider, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => 'TokenProvider {}',
  });
  return Object.freeze(provider);
}
