import type { LookupPlan, OperationKind } from '../engine/types.js';
import { fieldsOf } from '../operations/fields.js';
import { lookupOperation } from '../operations/lookup-operation.js';
import { lookupPathOf } from '../operations/lookup-path.js';
import { readLookup } from '../operations/read-lookup.js';
import { refOf } from '../operations/ref-of.js';
import type { DeclaredOperations, LookupRequest, OperationInfo } from '../operations/types.js';

/** PortOne's API origin. */
export const DEFAULT_BASE_URL = 'https://api.portone.cloud';

/**
 * True when `url` is under `baseUrl` (same origin, path starts with the base path). Requests to
 * other hosts pass through the adapters untouched.
 */
export function isPortOneUrl(url: string, baseUrl: string = DEFAULT_BASE_URL): boolean {
  try {
    const target = new URL(url);
    const base = new URL(baseUrl);
    if (target.origin !== base.origin) return false;
    const basePath = base.pathname.replace(/\/+$/, '');
    return (
      basePath === '' || target.pathname === basePath || target.pathname.startsWith(`${basePath}/`)
    );
  } catch {
    return false;
  }
}

/** One call, as the engine needs to know it. */
export interface RequestDescription {
  /** Upper case. */
  readonly method: string;
  /** The operation catalogue's kind; `config` for an endpoint it does not know. */
  readonly kind: OperationKind;
  /** The catalogue's name of the endpoint (`createRefund`), when it knows it. */
  readonly name: string | undefined;
  /** The ref a create or money move carries (the merchant order ref, or PortOne's for a refund). */
  readonly orderRef: string | undefined;
  /** The PSP channel a create names (`pmt_channel`), for per-channel breakers. */
  readonly channel: string | undefined;
  /** How to settle an unknown outcome by a lookup; absent when the request cannot be looked up. */
  readonly lookup: LookupPlan | undefined;
}

/** What `describeRequest` reads of a request beyond its method and URL. */
export interface RequestParts {
  /** The body as sent: a parsed object, JSON or form text, URLSearchParams, FormData. */
  readonly body?: unknown;
  /** The request's headers (a lookup may need the merchant's key). */
  readonly headers?: Readonly<Record<string, string>> | Headers;
  /** Endpoints the user declared (`policy.operations`). */
  readonly declared?: DeclaredOperations;
}

/**
 * Describes a request from the operation catalogue: its kind, name and ref, and the lookup that
 * settles an unknown outcome. A ref that would change the lookup's path (`.`, `..`) leaves the
 * request without a lookup: an unknown outcome then fails with `ambiguous: true`, never re-sent.
 */
export function describeRequest(
  method: string,
  url: string,
  parts: RequestParts = {},
): RequestDescription {
  const upper = method.toUpperCase();
  const op = lookupOperation(upper, url, parts.declared);
  const kind: OperationKind = op?.kind ?? (upper === 'GET' || upper === 'HEAD' ? 'read' : 'config');
  const moves = kind === 'create' || kind === 'money-move';
  const fields = moves ? fieldsOf(parts.body) : undefined;
  const ref =
    op !== undefined && moves ? refOf(op, { url, body: fields ?? parts.body }) : undefined;
  const channel = fields?.pmt_channel;
  return {
    method: upper,
    kind,
    name: op?.id,
    orderRef: ref,
    channel: typeof channel === 'string' && channel.trim() !== '' ? channel : undefined,
    // The body's fields, read once here, serve the lookup too.
    lookup:
      op === undefined || ref === undefined
        ? undefined
        : lookupPlanOf(op, ref, url, { ...parts, body: fields ?? parts.body }),
  };
}

function lookupPlanOf(
  op: OperationInfo,
  ref: string,
  url: string,
  parts: RequestParts,
): LookupPlan | undefined {
  let request: LookupRequest;
  try {
    request = lookupPathOf(op, ref, {
      url,
      body: parts.body,
      ...(parts.headers === undefined ? {} : { headers: parts.headers }),
      ...(parts.declared === undefined ? {} : { declared: parts.declared }),
    });
  } catch {
    // The ref cannot be put in a path safely (or the lookup needs what the request lacks).
    return undefined;
  }
  return {
    request,
    transactionStatus: op.lookup === 'getTransactionStatus' && request.method === 'GET',
    read: (answer) => readLookup(op, answer, { body: parts.body, ref }),
  };
}

/**
 * A request's URL made absolute: a path (`/api/initiatePayment`) is resolved against PortOne's
 * base URL, keeping the base's own path prefix.
 */
export function absoluteUrl(url: string, baseUrl: string): string {
  if (/^[a-z][a-z\d+\-.]*:/i.test(url)) return url;
  return `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
