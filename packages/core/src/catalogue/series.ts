import type { Outcome, Series } from '../types.js';

/** The default outcome of each series, before per-code refinements. */
export const SERIES_DEFAULTS: Readonly<Record<Series, Outcome>> = {
  pending: 'poll',
  success: 'succeed',
  validation: 'fail',
  system: 'retry',
  card: 'surface',
  unknown: 'fail',
  psp: 'retry',
};

/** Every series name, in PortOne's order. */
export const SERIES: readonly Series[] = [
  'pending',
  'success',
  'validation',
  'system',
  'card',
  'unknown',
  'psp',
];

const BY_THOUSAND: Readonly<Record<number, Series>> = {
  1: 'pending',
  2: 'success',
  4: 'validation',
  5: 'system',
  6: 'card',
  7: 'unknown',
  8: 'psp',
};

/** Parses a PortOne code given as a number or a numeric string; anything else gives undefined. */
export function parseCode(code: unknown): number | undefined {
  if (typeof code === 'number') return Number.isInteger(code) ? code : undefined;
  if (typeof code !== 'string') return undefined;
  const trimmed = code.trim();
  const length = trimmed.length;
  if (length === 0 || length > 6) return undefined;
  // Digits by hand, not a regex: every answer's code passes here.
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = trimmed.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The series a code belongs to, by its thousands digit. Codes outside 1000–8999 and values that
 * are not codes (e.g. subscription answers' "200") are `unknown`.
 */
export function seriesOf(code: number | string): Series {
  const parsed = parseCode(code);
  if (parsed === undefined || parsed < 1000 || parsed > 8999) return 'unknown';
  return BY_THOUSAND[Math.floor(parsed / 1000)] ?? 'unknown';
}
