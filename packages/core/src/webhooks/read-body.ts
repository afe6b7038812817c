/** The body was larger than the handler accepts. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError' as const;
}

/**
 * The request's raw body as text, read up to `maxBytes`: a webhook endpoint is public, and an
 * unbounded read lets anyone fill the server's memory.
 *
 * @throws BodyTooLargeError past `maxBytes`.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new BodyTooLargeError();
  // A body already read by a framework reads as empty, which verification reports as such.
  if (request.body === null || request.bodyUsed) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
