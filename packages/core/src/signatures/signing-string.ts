import { formatAmount } from './format-amount.js';
import { goQueryEncode } from './query-escape.js';

/** A field value as a caller or a webhook holds it. */
export type SignedValue = string | number;

/**
 * The exact string PortOne signs for `names` taken from `fields`: numbers in Go's shortest
 * decimal form (the amount of a string too), then Go's `url.Values.Encode`.
 *
 * @throws TypeError naming the field (never its value) when one is missing or not a string or
 *   number, or an amount is not a decimal number.
 */
export function signingString(
  names: readonly string[],
  fields: Readonly<Record<string, unknown>>,
  what: string,
): string {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (value === undefined || value === null) {
      throw new TypeError(`${what}: ${name} is required`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(`${what}: ${name} must be a string or a number`);
    }
    values[name] =
      typeof value === 'number' || name === 'amount'
        ? formatAmount(value, `${what}: ${name}`)
        : value;
  }
  return goQueryEncode(values);
}
