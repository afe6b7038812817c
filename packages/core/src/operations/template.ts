/**
 * Path templates (`/api/refund/{portone_order_ref}`) matched against request URLs. A template
 * is compiled once into segments; a URL matches from its first `/api/` segment on, so a base
 * path in front of PortOne's (`/portone/api/...` behind a gateway) still matches.
 */

/** One segment of a template: a literal, or a named parameter. */
export type Segment = string | { readonly param: string };

export function compileTemplate(path: string): readonly Segment[] {
  return segmentsOf(path).map((part) => {
    const param = /^\{([^{}/]+)\}$/.exec(part)?.[1];
    return param === undefined ? part : { param };
  });
}

/** The path's non-empty segments, still percent-encoded. */
function segmentsOf(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** The pathname of a URL or a path; origin, query and fragment dropped. */
export function pathnameOf(url: string | URL): string {
  if (typeof url !== 'string') return url.pathname;
  try {
    return new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/**
 * The ways a URL's path can be read as PortOne's: from each `api` segment on, first one first.
 * Most URLs have exactly one.
 */
export function apiPathsOf(url: string | URL): string[][] {
  const parts = segmentsOf(pathnameOf(url));
  const candidates: string[][] = [];
  parts.forEach((part, index) => {
    if (part === 'api') candidates.push(parts.slice(index));
  });
  return candidates;
}

/** The decoded path params when `parts` fit the template, else undefined. */
export function matchSegments(
  template: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i] as Segment;
    const actual = parts[i] as string;
    if (typeof expected === 'string') {
      if (expected !== actual) return undefined;
    } else {
      params[expected.param] = decode(actual);
    }
  }
  return params;
}

/**
 * Negative when `a` is more specific than `b`: at the first position where one has a literal and
 * the other a parameter, the literal wins (`/api/subscription/plan/{orderRef}` over
 * `/api/subscription/{orderRef}/txns-records` for `/api/subscription/plan/txns-records`).
 */
export function bySpecificity(a: readonly Segment[], b: readonly Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const literalA = typeof a[i] === 'string';
    const literalB = typeof b[i] === 'string';
    if (literalA !== literalB) return literalA ? -1 : 1;
  }
  return 0;
}
