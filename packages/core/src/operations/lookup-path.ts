import { fieldAt, fieldsOf, headerOf, refText } from './fields.js';
import { operationById } from './lookup-operation.js';
import { compileTemplate } from './template.js';
import type { DeclaredOperations, LookupRequest, OperationInfo, RequestParts } from './types.js';

/** What `lookupPathOf` reads besides the ref: the original request, and declared operations. */
export interface LookupContext extends RequestParts {
  readonly declared?: DeclaredOperations;
}

/**
 * A ref as one path segment. `encodeURIComponent` escapes `/`, `?`, `#` and `%`, so a ref can
 * never add a segment or a query; but `.` and `..` survive it and every URL parser resolves them
 * (`/api/transaction/../status` is `/api/status`), and an empty ref drops a segment: those are
 * refused, as is text that cannot be encoded (a lone surrogate).
 */
export function refSegment(ref: string): string {
  if (ref === '' || ref === '.' || ref === '..') {
    throw new TypeError(
      `An order ref of ${JSON.stringify(ref)} cannot be looked up: it would change the lookup's path`,
    );
  }
  try {
    return encodeURIComponent(ref);
  } catch {
    throw new TypeError('An order ref that is not well-formed text cannot be looked up');
  }
}

/** The merchant's PortOne key, for lookups whose path names it (`/api/{key}/transaction-details`). */
function merchantKeyOf(context: LookupContext | undefined): string | undefined {
  const header = headerOf(context?.headers, 'x-portone-client-key');
  if (header !== undefined && header !== '') return header;
  const fields = fieldsOf(context?.body);
  if (fields === undefined) return undefined;
  return refText(fieldAt(fields, 'key')) ?? refText(fieldAt(fields, 'portone_key'));
}

/** The key a payment link belongs to: a sub-merchant's when the link was made for one. */
function linkOwnerKeyOf(context: LookupContext | undefined): string | undefined {
  const sub = headerOf(context?.headers, 'x-portone-submerchant-key');
  return sub !== undefined && sub !== '' ? sub : merchantKeyOf(context);
}

/**
 * Bodies of the lookups PortOne serves by POST. The payouts list takes a window and a page: the
 * widest window, the largest page the spec shows; `readLookup` reads "not there" only when the
 * page held the whole list.
 */
function lookupBody(lookup: OperationInfo, ref: string, context: LookupContext | undefined) {
  if (lookup.id === 'fetchPayouts') {
    const environment = refText(fieldAt(fieldsOf(context?.body) ?? {}, 'environment'));
    const key = merchantKeyOf(context);
    return {
      page: 1,
      pagesize: 100,
      from: '2000-01-01 00:00:00',
      to: '9999-12-31 23:59:59',
      filters: {},
      ...(key === undefined ? {} : { merchants_keys: [key] }),
      ...(environment === undefined ? {} : { environment }),
    };
  }
  if (lookup.ref?.in === 'body') return { [lookup.ref.fields[0] as string]: ref };
  return undefined;
}

/**
 * The request that settles an unknown outcome of `op` for `ref`: the method and path of its
 * `lookup` operation (and the body, for lookups PortOne serves by POST), the ref encoded as one
 * path segment. Paths that name the merchant's key take it from the original request
 * (`X-Portone-Client-Key`, or the body's `key`/`portone_key`); a payment link is looked up under
 * its sub-merchant when `X-Portone-SubMerchant-Key` was sent, and at PortOne's older link status
 * (by merchant link ref alone) when no key is known.
 *
 * Throws a TypeError when `op` has no lookup, or the ref or a key it needs makes no safe path.
 */
export function lookupPathOf(
  op: OperationInfo,
  ref: string,
  context?: LookupContext,
): LookupRequest {
  const segment = refSegment(ref);
  let lookup = op.lookup === undefined ? undefined : operationById(op.lookup, context?.declared);
  if (lookup === undefined) {
    throw new TypeError(`${op.method} ${op.path} has no lookup operation to settle it`);
  }
  let owner: string | undefined;
  if (lookup.id === 'getPaymentLinkStatus') {
    owner = linkOwnerKeyOf(context);
    if (owner === undefined)
      lookup = operationById('getPaymentLinkStatusDeprecated') as OperationInfo;
  }
  const refParam = lookup.ref?.in === 'path' ? lookup.ref.param : undefined;
  const parts = compileTemplate(lookup.path).map((part) => {
    if (typeof part === 'string') return part;
    if (part.param === refParam) return segment;
    const key = part.param === 'smchKey' ? owner : merchantKeyOf(context);
    if (key === undefined) {
      throw new TypeError(
        `Looking up ${op.id} needs the merchant's PortOne key ({${part.param}}): send X-Portone-Client-Key`,
      );
    }
    return refSegment(key);
  });
  const body = lookupBody(lookup, ref, context);
  return {
    method: lookup.method,
    path: `/${parts.join('/')}`,
    ...(body === undefined ? {} : { body }),
  };
}
