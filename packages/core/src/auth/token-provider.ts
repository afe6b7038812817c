/**
 * Authentication for PortOne: `X-Portone-Client-Key: <key>` and `Authorization: Bearer <JWT>`.
 * The secret lives only in closures here: no property, `toJSON()`, `inspect` output or error
 * message of the provider carries it.
 */
import { PortOneAuthenticationError } from '../errors/index.js';
import { readJwtClaims } from './jwt-claims.js';
import { signPortOneJwt } from './sign-jwt.js';
import {
  DEFAULT_TOKEN_TTL_SECONDS,
  type TokenOption,
  validateTokenOption,
} from './token-option.js';

/** Supplies the auth headers of every PortOne request, caching the token until shortly before expiry. */
export interface TokenProvider {
  /**
   * The headers to add: `X-Portone-Client-Key` (when the key is known: given, or the `sub` of
   * the JWT a function returned) and `Authorization: Bearer …`. Rejects with a
   * `PortOneAuthenticationError` when no token can be had.
   */
  headers(): Promise<Record<string, string>>;
  /** Drops the cached token, so the next `headers()` gets a fresh one (after a 401 / 4054). */
  refresh(): Promise<void>;
}

/** A token is renewed this long before its `exp`, so no request leaves with a dying token. */
const RENEWAL_MARGIN_MS = 60_000;

/** What can go into a header value as it is: printable ASCII. */
const HEADER_SAFE = /^[\x20-\x7e]+$/;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A failure to obtain a token. The request was never sent, so this is final, not retryable. */
function authFailure(message: string, cause?: unknown): PortOneAuthenticationError {
  return new PortOneAuthenticationError({
    message,
    series: 'validation',
    outcome: 'fail',
    attempts: 0,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Turns the option into "get me a token now". */
function issuerOf(option: TokenOption, now: () => number): () => Promise<string> {
  if (typeof option === 'function') {
    return async () => {
      let token: unknown;
      try {
        token = await option();
      } catch (error) {
        throw authFailure('the token provider threw; the request was not sent', error);
      }
      // Trimmed: a token read from a file or an env var often ends with a newline.
      const jwt = typeof token === 'string' ? token.trim() : '';
      if (jwt === '' || !HEADER_SAFE.test(jwt)) {
        throw authFailure(
          'the token provider returned no usable JWT string; the request was not sent',
        );
      }
      return jwt;
    };
  }
  // Copied out of the option so later changes to the caller's object have no effect.
  const { key, secret } = option;
  const ttlSeconds = option.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  return async () => {
    try {
      return await signPortOneJwt(key, secret, ttlSeconds, now());
    } catch (error) {
      throw authFailure('signing the PortOne JWT failed; the request was not sent', error);
    }
  };
}

/**
 * Makes the token provider for an adapter's `token` option (`undefined` when there is none).
 * A bad option throws a TypeError naming it. `now` is injectable for tests.
 */
export function resolveTokenProvider(
  option: TokenOption | undefined,
  now: () => number = Date.now,
): TokenProvider | undefined {
  if (option === undefined) return undefined;
  validateTokenOption(option);
  const issue = issuerOf(option, now);
  let key = typeof option === 'function' ? undefined : option.key;

  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  // Bumped by refresh(): a token asked for before it must neither be cached nor shared after it.
  let generation = 0;

  const token = (): Promise<string> => {
    if (cached !== undefined && now() < cached.renewAt) return Promise.resolve(cached.token);
    if (inFlight !== undefined) return inFlight;
    const asked = generation;
    const pending = issue()
      .then((fresh) => {
        const claims = readJwtClaims(fresh);
        // PortOne's tokens carry the client key as `sub`.
        if (key === undefined && typeof claims.sub === 'string' && HEADER_SAFE.test(claims.sub)) {
          key = claims.sub;
        }
        // A token without a readable exp is not cached: the function is asked again next time.
        if (asked === generation && typeof claims.exp === 'number' && Number.isFinite(claims.exp)) {
          cached = { token: fresh, renewAt: claims.exp * 1000 - RENEWAL_MARGIN_MS };
        }
        return fresh;
      })
      .finally(() => {
        if (inFlight === pending) inFlight = undefined;
      });
    // Concurrent callers share one signing (or one call to the user's function).
    inFlight = pending;
    return pending;
  };

  const provider: TokenProvider = {
    async headers() {
      const jwt = await token();
      return {
        ...(key === undefined ? {} : { 'X-Portone-Client-Key': key }),
        Authorization: `Bearer ${jwt}`,
      };
    },
    async refresh() {
      generation++;
      cached = undefined;
      inFlight = undefined;
    },
  };
  // Holds nothing secret anyway; these keep logs of an options object short and plain.
  Object.defineProperty(provider, 'toJSON', { value: () => ({ type: 'TokenProvider' }) });
  Object.defineProperty(provider, INSPECT, { value: () => 'TokenProvider {}' });
  return Object.freeze(provider);
}
