import { fieldAt, fieldsOf, refText } from './fields.js';
import { pathParamsOf } from './lookup-operation.js';
import type { OperationInfo, RequestParts } from './types.js';

/**
 * The ref a request carries for `op` (the merchant's order ref of a create, PortOne's order ref
 * of a refund...), or undefined when the operation has none or the request does not carry it.
 * Path params are decoded; body fields are read from a parsed object or a JSON/form string.
 */
export function refOf(op: OperationInfo, request: RequestParts): string | undefined {
  const ref = op.ref;
  if (ref === undefined) return undefined;
  if (ref.in === 'path') {
    if (request.url === undefined) return undefined;
    const value = pathParamsOf(op, request.url)?.[ref.param];
    return value === undefined || value === '' ? undefined : value;
  }
  const fields = fieldsOf(request.body);
  if (fields === undefined) return undefined;
  for (const name of ref.fields) {
    const value = refText(fieldAt(fields, name));
    if (value !== undefined) return value;
  }
  return undefined;
}
