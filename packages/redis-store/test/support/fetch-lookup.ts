import type { LookupTransport } from '@portone-retry/core';

/** A lookup transport on fetch, as an adapter would register one on its engine. */
export const fetchLookup: LookupTransport = async (request, { signal }) => {
  const response = await fetch(request.url, {
    method: request.method,
    signal,
    ...(request.body === undefined
      ? {}
      : { body: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the reader sees the text (a proxy's page reads as unknown).
  }
  return { httpStatus: response.status, headers: response.headers, body };
};
