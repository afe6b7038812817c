/** Longest hint taken from a Retry-After header before the policy's own cap applies (1 day). */
const MAX_HINT_MS = 86_400_000;

/**
 * Retry-After as milliseconds from `now`: delta-seconds ("120") or an HTTP-date. Anything
 * unreadable gives undefined; a date in the past gives 0.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const raw = String(value).trim();
  if (raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(Math.round(Number(raw) * 1000), MAX_HINT_MS);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_HINT_MS);
}

/** Reads one header from a Headers object or a plain record, case-insensitively. Never throws. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  try {
    if (typeof (headers as Headers).get === 'function') {
      return (headers as Headers).get(name) ?? undefined;
    }
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() !== wanted) continue;
      if (Array.isArray(value)) return value.map(String).join(', ');
      return value === undefined || value === null ? undefined : String(value);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
