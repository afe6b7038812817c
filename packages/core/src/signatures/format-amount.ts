/**
 * Formats an amount the way PortOne's Go code does before signing it:
 * `strconv.FormatFloat(amount, 'f', -1, 64)`, the shortest decimal that reads back as the same
 * float64, with no exponent and no trailing zeros. `100.0` → `"100"`, `10.50` → `"10.5"`.
 *
 * Signing `"100.0"` or `"100.00"` instead is the classic cause of
 * `4011 INVALID_UNAUTHORISED_TRANSACTION_SIGNATURE_ERROR`: PortOne parses the amount as a number
 * and formats it again, so only this form matches.
 *
 * A string is read as the number it spells (`"10.50"` → `"10.5"`), as PortOne reads the JSON.
 *
 * @throws TypeError when the amount is not a finite, non-negative decimal number.
 */
export function formatAmount(amount: number | string, name = 'amount'): string {
  const value = typeof amount === 'string' ? parseDecimal(amount, name) : amount;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a finite, non-negative number`);
  }
  return plainDecimal(value);
}

const DECIMAL = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseDecimal(text: string, name: string): number {
  if (!DECIMAL.test(text)) throw new TypeError(`${name} must be a decimal number`);
  return Number(text);
}

/**
 * JavaScript's `Number#toString` already picks the shortest round-trip digits (the same rule as
 * Go's precision `-1`); it only switches to exponent form below 1e-6 and from 1e21, which Go's
 * `'f'` format never does, so those are written out in full here.
 */
function plainDecimal(value: number): string {
  const shortest = String(value === 0 ? 0 : value);
  const exponentAt = shortest.indexOf('e');
  if (exponentAt === -1) return shortest;
  const mantissa = shortest.slice(0, exponentAt);
  const exponent = Number(shortest.slice(exponentAt + 1));
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
