import type { Engine } from './engine.js';

/** A lookup to send to PortOne: `url` is absolute, or a path the transport resolves on its base URL. */
export interface LookupTransportRequest {
  readonly method: string;
  readonly url: string;
  /** The JSON body, for the lookups PortOne serves by POST. */
  readonly body?: unknown;
}

/** PortOne's answer to a lookup, as the transport read it (body parsed when it is JSON). */
export interface LookupTransportResponse {
  readonly httpStatus: number;
  readonly headers: Headers | Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/**
 * Sends one lookup to PortOne with the merchant's credentials, and nothing else: no retry, no
 * classification (the reconciler reads the answer with the catalogue's `readLookup`). Rejects
 * only when no answer was read.
 */
export type LookupTransport = (
  request: LookupTransportRequest,
  context: { readonly signal: AbortSignal },
) => Promise<LookupTransportResponse>;

/** Where an engine keeps the lookup transport an adapter registered (across package copies). */
const LOOKUP_TRANSPORT = Symbol.for('portone-retry.lookup-transport');

/**
 * Gives `engine` a way to reach PortOne for lookups outside any call, for `reconcile` and the
 * reconcile worker: an adapter registers its own (its client, base URL and credentials) when it
 * is given the engine. The last one registered wins.
 */
export function registerLookupTransport(engine: Engine, transport: LookupTransport): void {
  if (typeof transport !== 'function') {
    throw new TypeError('registerLookupTransport: transport must be a function');
  }
  Object.defineProperty(engine, LOOKUP_TRANSPORT, {
    value: transport,
    configurable: true,
    writable: true,
  });
}

/** The lookup transport registered on `engine`, if any. */
export function lookupTransportOf(engine: Engine): LookupTransport | undefined {
  return (engine as unknown as Record<symbol, LookupTransport | undefined>)[LOOKUP_TRANSPORT];
}
