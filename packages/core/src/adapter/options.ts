import { resolveTokenProvider, type TokenOption, type TokenProvider } from '../auth/index.js';
import { createEngine, type Engine, isEngine } from '../engine/engine.js';
import type { Policy, PolicyOptions } from '../policy/index.js';
import { DEFAULT_BASE_URL } from './request.js';

/** Options both adapters take. */
export interface AdapterOptions<S = never> {
  /**
   * Share one engine (events, policy) between clients.
   * @default a new engine made from `policy`
   */
  engine?: Engine;
  /**
   * The policy, or overrides to build one from; used when no `engine` is given.
   * @default createPolicy()
   */
  policy?: Policy | PolicyOptions;
  /**
   * PortOne's origin (and optional path prefix). Requests elsewhere pass through untouched.
   * @default the axios instance's baseURL, else https://api.portone.cloud
   */
  baseUrl?: string;
  /**
   * Your own status lookup, used to poll pending payments and reconcile ambiguous creates. It
   * performs `GET /api/transaction/{orderRef}/status` (or an equivalent) with your client and
   * returns that client's response.
   * @default a GET to the status endpoint through the same client, with the request's auth headers
   */
  checkStatus?: S;
  /**
   * Authentication: a function returning a JWT, or `{ key, secret }` from which the SDK signs
   * one (HS256, `iss: "PORTONE"`, `sub: key`). The adapter adds `X-Portone-Client-Key` and
   * `Authorization: Bearer …` to every PortOne request, caches the token until shortly before
   * it expires, and on 401 / 4054 renews it once and sends again.
   * @default none: the request's own headers are sent as they are
   */
  token?: TokenOption;
}

const ADAPTER_KEYS = new Set(['engine', 'policy', 'baseUrl', 'checkStatus', 'token']);

/** The engine and base URL an adapter works with, after validating its options. */
export interface ResolvedAdapterOptions<S> {
  readonly engine: Engine;
  readonly baseUrl: string;
  readonly checkStatus: S | undefined;
  /** The token provider, when the user gave `token`. */
  readonly auth: TokenProvider | undefined;
}

/** Headers that identify the merchant: the only ones a status lookup carries. */
export const CREDENTIAL_HEADERS = ['authorization', 'x-portone-client-key'] as const;

/**
 * The headers to send: `headers` (name → value) with fresh credentials from the token provider
 * on top, when there is one. Rejects with a PortOneAuthenticationError when no token can be had:
 * nothing was sent.
 */
export async function withCredentials(
  auth: TokenProvider | undefined,
  headers: Record<string, string>,
): Promise<Record<string, string>> {
  if (auth === undefined) return headers;
  const merged = { ...headers };
  for (const [name, value] of Object.entries(await auth.headers())) {
    for (const existing of Object.keys(merged)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete merged[existing];
    }
    merged[name] = value;
  }
  return merged;
}

/** The merchant's credentials out of a request's headers, for a status lookup. */
export function credentialsOf(get: (name: string) => unknown): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const name of CREDENTIAL_HEADERS) {
    const value = get(name);
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/**
 * Validates adapter options (a bad one throws a TypeError naming it) and resolves the engine.
 * `extraKeys` are options the adapter itself adds (e.g. `fetch`).
 */
export function resolveAdapterOptions<S>(
  options: AdapterOptions<S> | Engine | undefined,
  defaultBaseUrl: string = DEFAULT_BASE_URL,
  extraKeys: readonly string[] = [],
): ResolvedAdapterOptions<S> {
  if (options === undefined)
    return {
      engine: createEngine(),
      baseUrl: defaultBaseUrl,
      checkStatus: undefined,
      auth: undefined,
    };
  if (isEngine(options))
    return { engine: options, baseUrl: defaultBaseUrl, checkStatus: undefined, auth: undefined };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object or an engine');
  }
  for (const key of Object.keys(options)) {
    if (!ADAPTER_KEYS.has(key) && !extraKeys.includes(key)) {
      throw new TypeError(`${key} is not an option of the PortOne adapter`);
    }
  }
  if (options.engine !== undefined && !isEngine(options.engine)) {
    throw new TypeError('engine must be an engine made by createEngine()');
  }
  if (options.engine !== undefined && options.policy !== undefined) {
    throw new TypeError('policy cannot be given with engine: the engine carries its own policy');
  }
  // `null` must not silently mean production: only an absent baseUrl takes the default.
  const baseUrl = options.baseUrl === undefined ? defaultBaseUrl : options.baseUrl;
  if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl)) {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  if (options.checkStatus !== undefined && typeof options.checkStatus !== 'function') {
    throw new TypeError('checkStatus must be a function');
  }
  if (options.policy !== undefined && typeof options.policy !== 'object') {
    throw new TypeError('policy must be a policy or policy options');
  }
  const engine =
    options.engine ?? createEngine(options.policy === undefined ? {} : { policy: options.policy });
  return {
    engine,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    checkStatus: options.checkStatus,
    auth: resolveTokenProvider(options.token),
  };
}
