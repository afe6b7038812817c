import { OPERATIONS_BY_ID } from './catalogue.js';
import type { DeclaredOperations, EndpointKind, OperationInfo } from './types.js';

const KINDS: readonly EndpointKind[] = ['read', 'create', 'money-move', 'config'];
const KEY = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) +(\/[^\s?#]*)$/i;
const CONTRACT_KEYS = new Set(['kind', 'lookup', 'ref']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The method and path template of a declared key, `'POST /api/v2/refund/{order_ref}'`. */
export function parseDeclaredKey(key: string): { method: string; path: string } | undefined {
  const match = KEY.exec(key.trim());
  if (match === null) return undefined;
  return { method: (match[1] as string).toUpperCase(), path: match[2] as string };
}

/** A declared endpoint as an `OperationInfo`; its id is its key. */
export function declaredInfo(key: string, declared: DeclaredOperations): OperationInfo | undefined {
  const parsed = parseDeclaredKey(key);
  const contract = declared[key];
  if (parsed === undefined || contract === undefined) return undefined;
  return { id: key, ...parsed, ...contract };
}

/**
 * Validates `policy.operations`: every key `'METHOD /path'`, every kind known, every lookup the
 * id of a catalogue operation or another declared key, every path ref a parameter of its path.
 * Throws a TypeError naming the bad entry.
 */
export function validateDeclaredOperations(value: unknown, name = 'policy.operations'): void {
  if (value === undefined) return;
  if (!isRecord(value))
    throw new TypeError(`${name} must be an object of 'METHOD /path' → contract`);
  for (const [key, contract] of Object.entries(value)) {
    const at = `${name}['${key}']`;
    const parsed = parseDeclaredKey(key);
    if (parsed === undefined) {
      throw new TypeError(
        `${at}: the key must be 'METHOD /path/{param}', e.g. 'POST /api/refund/{order_ref}'`,
      );
    }
    if (!isRecord(contract)) throw new TypeError(`${at} must be an object { kind, lookup?, ref? }`);
    for (const field of Object.keys(contract)) {
      if (!CONTRACT_KEYS.has(field))
        throw new TypeError(`${at}.${field} is not an operation option (kind, lookup, ref)`);
    }
    if (!KINDS.includes(contract.kind as EndpointKind)) {
      throw new TypeError(`${at}.kind must be one of ${KINDS.join(', ')}`);
    }
    const { lookup, ref } = contract;
    if (lookup !== undefined) {
      if (
        typeof lookup !== 'string' ||
        (!OPERATIONS_BY_ID.has(lookup) && !Object.hasOwn(value, lookup))
      ) {
        throw new TypeError(
          `${at}.lookup must name a catalogue operation (e.g. 'getTransactionStatus') or another declared key`,
        );
      }
    }
    if (ref !== undefined) checkRef(at, ref, parsed.path);
  }
}

function checkRef(at: string, ref: unknown, path: string): void {
  if (!isRecord(ref))
    throw new TypeError(`${at}.ref must be { in: 'body', fields } or { in: 'path', param }`);
  if (ref.in === 'path') {
    if (typeof ref.param !== 'string' || !path.includes(`{${ref.param}}`)) {
      throw new TypeError(`${at}.ref.param must name a {param} of the path ${path}`);
    }
    return;
  }
  if (ref.in === 'body') {
    const fields = ref.fields;
    if (
      !Array.isArray(fields) ||
      fields.length === 0 ||
      !fields.every((f) => typeof f === 'string' && f !== '')
    ) {
      throw new TypeError(`${at}.ref.fields must be a non-empty list of body field names`);
    }
    return;
  }
  throw new TypeError(`${at}.ref.in must be 'body' or 'path'`);
}
