/** A function returning a JWT, or the key and secret from which the SDK signs one. */
export type TokenOption =
  | (() => string | Promise<string>)
  | {
      /** The PortOne key: sent as `X-Portone-Client-Key`, and the JWT's `sub`. */
      key: string;
      /** The PortOne secret key the JWT is signed with (HS256). Never logged or shown. */
      secret: string;
      /**
       * Lifetime of each signed token, in seconds.
       * @default 21600 (6 hours, the lifetime of tokens PortOne issues itself)
       */
      ttlSeconds?: number;
    };

/** Lifetime of a signed token when `token.ttlSeconds` is not given: PortOne's own 6 hours. */
export const DEFAULT_TOKEN_TTL_SECONDS = 21_600;

/**
 * The shortest `ttlSeconds` accepted: a token is renewed a minute before it expires, so a
 * shorter lifetime would be signed again for every request.
 */
const MIN_TTL_SECONDS = 120;

const KEYS = new Set(['key', 'secret', 'ttlSeconds']);

// A header value cannot carry control characters; catching it here names the option instead
// of failing later inside the HTTP client.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Throws a TypeError naming the bad part of the `token` option. Messages name options and
 * describe what is wrong; they never echo a value, so the secret cannot leak through them.
 */
export function validateTokenOption(option: unknown): asserts option is TokenOption {
  if (typeof option === 'function') return;
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new TypeError('token must be a function returning a JWT, or { key, secret }');
  }
  for (const name of Object.keys(option)) {
    if (!KEYS.has(name)) throw new TypeError(`token.${name} is not a token option`);
  }
  const { key, secret, ttlSeconds } = option as Record<string, unknown>;
  if (typeof key !== 'string' || key.trim() === '' || CONTROL.test(key)) {
    throw new TypeError('token.key must be a non-empty string without control characters');
  }
  if (typeof secret !== 'string' || secret === '') {
    throw new TypeError('token.secret must be a non-empty string');
  }
  if (
    ttlSeconds !== undefined &&
    (typeof ttlSeconds !== 'number' ||
      !Number.isSafeInteger(ttlSeconds) ||
      ttlSeconds < MIN_TTL_SECONDS)
  ) {
    throw new TypeError(`token.ttlSeconds must be a whole number of seconds ≥ ${MIN_TTL_SECONDS}`);
  }
}
