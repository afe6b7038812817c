import type { CodeInfo } from '../types.js';
import { CODE_TABLE } from './codes.js';
import { REFINEMENTS } from './refinements.js';
import { parseCode, SERIES_DEFAULTS, seriesOf } from './series.js';

export { parseCode, SERIES, SERIES_DEFAULTS, seriesOf } from './series.js';

function toInfo(code: number, status: string): CodeInfo {
  const series = seriesOf(code);
  const refinement = REFINEMENTS[code];
  if (refinement === undefined) {
    return Object.freeze({ code, status, series, outcome: SERIES_DEFAULTS[series], tags: [] });
  }
  return Object.freeze({
    code,
    status,
    series,
    outcome: refinement.outcome,
    reason: refinement.reason,
    tags: refinement.tags,
  });
}

/** Every catalogue row, in the reference's order (4081 appears twice). */
export const CATALOGUE: readonly CodeInfo[] = Object.freeze(
  CODE_TABLE.map(([code, status]) => toInfo(code, status)),
);

const byCode = new Map<number, CodeInfo[]>();
for (const info of CATALOGUE) {
  const rows = byCode.get(info.code);
  if (rows) rows.push(info);
  else byCode.set(info.code, [info]);
}

/**
 * The catalogue row of a code. `status` picks between rows where PortOne lists a code twice
 * (4081); without it, or when it matches neither, the first row is returned.
 * Unknown codes give `undefined`.
 */
export function lookupCode(code: number | string, status?: string): CodeInfo | undefined {
  const parsed = parseCode(code);
  if (parsed === undefined) return undefined;
  const rows = byCode.get(parsed);
  if (rows === undefined) return undefined;
  if (rows.length > 1 && status !== undefined) {
    const wanted = status.trim().toUpperCase();
    const match = rows.find((row) => row.status === wanted);
    if (match) return match;
  }
  return rows[0];
}
