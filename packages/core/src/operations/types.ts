import type { PaymentStatus } from '../types.js';

/**
 * What an endpoint does with money, which decides whether a request may be sent again when its
 * outcome is unknown:
 * - `read`: changes nothing; re-sent freely (some are POSTs: auth-token, transaction-details).
 * - `create`: creates something under the merchant's own ref (a payment, a link, a plan); re-sent
 *   only after its `lookup` says PortOne holds nothing under that ref.
 * - `money-move`: moves money on something that exists (refund, capture, deduction, payout);
 *   never re-sent blind: its `lookup` is read and compared with what was asked.
 * - `config`: any other write (webhooks, pay channels, link updates); re-sent only when PortOne
 *   answered before doing anything.
 */
export type EndpointKind = 'read' | 'create' | 'money-move' | 'config';

/**
 * Where a request carries the ref that identifies what it creates or moves money on.
 * Body fields are tried in order; a dotted name reaches into an object (`txn_details.txn_ref`).
 */
export type RefLocation =
  | { readonly in: 'body'; readonly fields: readonly string[] }
  | { readonly in: 'path'; readonly param: string };

/** The safety contract of one endpoint: what a user declares in `policy.operations`. */
export interface OperationContract {
  /** What the endpoint does with money. */
  readonly kind: EndpointKind;
  /** Where the request carries its ref, when it has one. */
  readonly ref?: RefLocation;
  /** The id of the operation that settles an unknown outcome (creates and money moves). */
  readonly lookup?: string;
}

/** One endpoint of PortOne's API with its safety contract. */
export interface OperationInfo extends OperationContract {
  /** A stable name, e.g. `createRefund`; for a user-declared endpoint, its `METHOD /path` key. */
  readonly id: string;
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The path template as PortOne's spec writes it, e.g. `/api/refund/{portone_order_ref}`. */
  readonly path: string;
}

/**
 * Endpoints a user declares, keyed `'METHOD /path/{param}'`, e.g.
 * `{ 'POST /api/v2/refund/{order_ref}': { kind: 'money-move', lookup: 'listRefunds', ref: { in: 'path', param: 'order_ref' } } }`.
 */
export type DeclaredOperations = Readonly<Record<string, OperationContract>>;

/** The request that settles an unknown outcome: a path under the API's base URL. */
export interface LookupRequest {
  readonly method: string;
  /** Starts with `/api/`; path params encoded. */
  readonly path: string;
  /** The JSON body, for the lookups PortOne serves by POST. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/**
 * What a lookup's answer says about the request it settles:
 * - `done`: PortOne holds it (a create) or shows the money moved (a money move); `status` is the
 *   payment status of what was created or moved, when the answer says it.
 * - `not-found`: PortOne's own answer says it holds nothing under that ref, or shows the thing
 *   without the move; only then may the request be sent again.
 * - `unknown`: anything else (a proxy's page, a 5xx, an unreadable body, an answer that cannot
 *   be compared); the outcome stays ambiguous.
 */
export type LookupResult =
  | { readonly state: 'done'; readonly status?: PaymentStatus }
  | { readonly state: 'not-found' }
  | { readonly state: 'unknown' };

/** The parts of a request the helpers read. `body` may be a parsed object or a JSON/form string. */
export interface RequestParts {
  readonly url?: string | URL;
  readonly body?: unknown;
  /** Request headers, for lookups that need the merchant's key (`X-Portone-Client-Key`). */
  readonly headers?: HeadersLike;
}

/** Headers as a `Headers` object or a plain record (axios-style). */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;
