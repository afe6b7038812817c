/**
 * Option checks shared by the retry budget and the circuit breaker: a bad option throws at
 * construction with its name in the message, as a typo must not silently do nothing.
 */

/** Rejects a non-object and any key not in `known`; `scope` prefixes every message. */
export function checkKeys(scope: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${scope} options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${scope}.${key} is not an option (expected one of ${known.join(', ')})`);
    }
  }
}

interface NumberRule {
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** `min` itself is not allowed. */
  readonly exclusiveMin?: boolean;
}

/** Throws unless `value` is undefined or a finite number within `rule`. */
export function checkNumber(name: string, value: unknown, rule: NumberRule): void {
  if (value === undefined) return;
  const kind = rule.integer ? 'a whole number' : 'a finite number';
  const low = rule.exclusiveMin ? `> ${rule.min}` : `≥ ${rule.min}`;
  const range = rule.max === undefined ? low : `${low} and ≤ ${rule.max}`;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!valid) throw new TypeError(`${name} must be ${kind} ${range}, got ${String(value)}`);
}

/** Throws unless `value` is undefined or a function. */
export function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${name} must be a function`);
  }
}

/** The options with `undefined` values dropped, so they never override a default. */
export function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
