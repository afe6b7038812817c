import { OPERATIONS, OPERATIONS_BY_ID } from './catalogue.js';
import { declaredInfo } from './declared.js';
import {
  apiPathsOf,
  bySpecificity,
  compileTemplate,
  matchSegments,
  type Segment,
} from './template.js';
import type { DeclaredOperations, OperationInfo } from './types.js';

interface Compiled {
  readonly op: OperationInfo;
  readonly segments: readonly Segment[];
}

const compile = (op: OperationInfo): Compiled => ({ op, segments: compileTemplate(op.path) });

/** The catalogue by method, each list most specific first. */
const CATALOGUE_BY_METHOD = groupByMethod(OPERATIONS.map(compile));

/** Declared operations compiled once per options object (policies are immutable). */
const declaredCache = new WeakMap<DeclaredOperations, Map<string, Compiled[]>>();

function groupByMethod(rows: readonly Compiled[]): Map<string, Compiled[]> {
  const byMethod = new Map<string, Compiled[]>();
  for (const row of rows) {
    const list = byMethod.get(row.op.method) ?? [];
    list.push(row);
    byMethod.set(row.op.method, list);
  }
  for (const list of byMethod.values()) list.sort((a, b) => bySpecificity(a.segments, b.segments));
  return byMethod;
}

function compiledDeclared(declared: DeclaredOperations): Map<string, Compiled[]> {
  let byMethod = declaredCache.get(declared);
  if (byMethod === undefined) {
    const rows = Object.keys(declared).flatMap((key) => {
      const info = declaredInfo(key, declared);
      return info === undefined ? [] : [compile(info)];
    });
    byMethod = groupByMethod(rows);
    declaredCache.set(declared, byMethod);
  }
  return byMethod;
}

function findIn(rows: readonly Compiled[] | undefined, url: string | URL): Compiled | undefined {
  if (rows === undefined) return undefined;
  for (const parts of apiPathsOf(url)) {
    const hit = rows.find((row) => matchSegments(row.segments, parts) !== undefined);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * The PortOne endpoint a request goes to, with its safety contract, or undefined for one the
 * catalogue does not know (the engine treats that as a configuration write: never re-sent blind).
 * The method is matched in any case; origin, query and fragment are ignored, and anything before
 * the path's first `/api/` segment (a gateway's base path) is skipped. Where two templates fit,
 * the one with a literal segment first wins. `declared` (the policy's `operations`) wins over
 * the catalogue, so a user can also correct an entry.
 */
export function lookupOperation(
  method: string,
  url: string | URL,
  declared?: DeclaredOperations,
): OperationInfo | undefined {
  const upper = method.toUpperCase();
  if (declared !== undefined) {
    const hit = findIn(compiledDeclared(declared).get(upper), url);
    if (hit !== undefined) return hit.op;
  }
  return findIn(CATALOGUE_BY_METHOD.get(upper), url)?.op;
}

/** The path params of `url` under `op`'s template, decoded; undefined when it does not fit. */
export function pathParamsOf(
  op: OperationInfo,
  url: string | URL,
): Record<string, string> | undefined {
  const segments = compileTemplate(op.path);
  for (const parts of apiPathsOf(url)) {
    const params = matchSegments(segments, parts);
    if (params !== undefined) return params;
  }
  return undefined;
}

/** An operation by id: a catalogue id, or a declared key. */
export function operationById(
  id: string,
  declared?: DeclaredOperations,
): OperationInfo | undefined {
  if (declared !== undefined && Object.hasOwn(declared, id)) return declaredInfo(id, declared);
  return OPERATIONS_BY_ID.get(id);
}
