/**
 * A request body's fields, from a parsed object, a JSON or form string, URLSearchParams or
 * FormData. Anything else (a stream, a Blob) gives undefined: its ref cannot be read.
 */
export function fieldsOf(body: unknown): Record<string, unknown> | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.startsWith('{')) {
      try {
        return fieldsOf(JSON.parse(text));
      } catch {
        return undefined;
      }
    }
    if (text.includes('=')) return fieldsOf(new URLSearchParams(text));
    return undefined;
  }
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) {
    return Object.fromEntries(body.entries());
  }
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of body.entries()) if (typeof value === 'string') fields[key] = value;
    return fields;
  }
  if (typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  return undefined;
}

/** The value at a dotted name (`txn_details.txn_ref`), own properties only. */
export function fieldAt(fields: Record<string, unknown>, name: string): unknown {
  let value: unknown = fields;
  for (const key of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A ref as text: a non-blank string, a finite number, or a list of exactly one of these (a payout
 * approval names its payouts in a list; with several, no single lookup settles it).
 */
export function refText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.length === 1) return refText(value[0]);
  return undefined;
}

/** A header's value from a `Headers` object or a plain record, case-insensitively. */
export function headerOf(
  headers: { get(name: string): string | null } | Readonly<Record<string, unknown>> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower) continue;
    if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }
  return undefined;
}
