/** Longest hint taken from a Retry-After header before the policy's own cap applies (1 day). */
const MAX_HINT_MS = 86_400_000;

const HTTP_DATE = /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b.*\b\d{2}:\d{2}:\d{2}\b/i;

/**
 * Retry-After as milliseconds from `now`: delta-seconds ("120") or an HTTP-date. Anything
 * unreadable gives undefined; a date in the past gives 0.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const raw = String(value).trim();
  // The longest HTTP-date is 29 characters; anything much longer is not a hint.
  if (raw === '' || raw.length > 64) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(Math.round(Number(raw) * 1000), MAX_HINT_MS);
  // Every HTTP-date form names its month; Date.parse alone takes "soon 2" for a date in 2001.
  if (!HTTP_DATE.test(raw)) return undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  const from = Number.isFinite(now) ? now : Date.now();
  return Math.min(Math.max(0, date - from), MAX_HINT_MS);
}

/** Reads one header from a Headers object or a plain record, case-insensitively. Never throws. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  try {
    if (typeof (headers as Headers).get === 'function') {
      const value: unknown = (headers as Headers).get(name);
      return value === undefined || value === null ? undefined : String(value);
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
