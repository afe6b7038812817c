import { lookupCode, type Series, seriesOf } from '@portone-retry/core';

/**
 * The HTTP status the simulator answers each series with. PortOne's specs document only 200,
 * 400 (validation, not found), 401 (auth) and 404 (capture of an unknown transaction); they show
 * no 5xx, so the 5000 series gets 500 to let clients see a server-side failure the way proxies
 * and most HTTP tooling expect. The code in the body, not this status, is what clients must act on.
 *
 * | series     | HTTP | why |
 * | ---------- | ---- | --- |
 * | pending    | 200  | a 1000 code is an accepted request still in progress |
 * | success    | 200  | |
 * | validation | 400  | as the specs show; auth codes (below) get 401 |
 * | system     | 500  | not in the specs: PortOne's or the PSP's own failure |
 * | card       | 400  | a decline is an answer about the request, not a server fault |
 * | unknown    | 400  | |
 * | psp        | 400  | |
 *
 * A status lookup or refund for an unknown ref answers 400 / 5001 RECORD_NOT_FOUND_ERROR, and a
 * capture of one 404 / 5001, as the capture spec documents.
 */
const HTTP_BY_SERIES: Readonly<Record<Series, number>> = {
  pending: 200,
  success: 200,
  validation: 400,
  system: 500,
  card: 400,
  unknown: 400,
  psp: 400,
};

/** Authentication codes, answered with 401 as the specs show for a bad key or token. */
const AUTH_CODES = new Set([4010, 4011, 4012, 4054, 4084, 4099]);

/** The HTTP status PortOne answers a code with (see `HTTP_BY_SERIES`). */
export function httpStatusFor(code: number): number {
  if (AUTH_CODES.has(code)) return 401;
  return HTTP_BY_SERIES[seriesOf(code)];
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
