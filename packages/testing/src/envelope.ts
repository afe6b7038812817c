import { lookupCode, seriesOf } from '@portone-retry/core';

const AUTH_CODES = new Set([4010, 4011, 4012, 4054, 4084, 4099]);

/**
 * The HTTP status PortOne answers a code with: 200 for 1000/2000, 401 for authentication codes,
 * 400 for other 4000 codes and for card/unknown/other-PSP failures, 500 for 5000 system errors.
 */
export function httpStatusFor(code: number): number {
  const series = seriesOf(code);
  if (series === 'pending' || series === 'success') return 200;
  if (AUTH_CODES.has(code)) return 401;
  if (series === 'system') return 500;
  return 400;
}

/** PortOne's envelope for a code: string `status_code`, `status_reason`, `message`. */
export function envelope(
  code: number | string,
  message?: string,
  content?: unknown,
): Record<string, unknown> {
  const info = lookupCode(code);
  const series = seriesOf(code);
  const reason =
    info?.status ??
    (series === 'success' ? 'SUCCESS' : series === 'pending' ? 'PENDING' : 'UNKNOWN_ERROR');
  return {
    ...(content === undefined ? {} : { content }),
    message: message ?? reason.toLowerCase().replace(/_/g, ' '),
    status_code: String(code),
    status_reason: reason,
  };
}

/** A proxy's HTML error page, as a load balancer in front of the API sends it. */
export function htmlStatusPage(status: number): string {
  return `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
}
