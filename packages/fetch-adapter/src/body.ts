/** How a request's body can be sent again on the next attempt. */
export interface ReplayableRequest {
  /** Makes the input and init of one attempt; each call gives a fresh, unread body. */
  readonly next: (signal: AbortSignal) => [RequestInfo | URL, RequestInit];
  /** The body as text, for finding the order ref (undefined when it cannot be read). */
  readonly text: () => Promise<string | undefined>;
  /** Why the body cannot be sent twice, when it cannot (a one-shot ReadableStream). */
  readonly notReplayable: string | undefined;
}

const isStream = (body: unknown): boolean =>
  typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/**
 * Prepares a fetch call for attempts: string, URLSearchParams, Blob, ArrayBuffer and FormData
 * bodies are reusable as they are; a `Request` is cloned for each attempt (the original stays
 * unread); a ReadableStream body can be read once only, so it is marked not replayable.
 */
export function replayable(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): ReplayableRequest {
  if (typeof Request !== 'undefined' && input instanceof Request) {
    const template = input.clone();
    return {
      next: (signal) => [template.clone(), { ...init, signal }],
      text: () =>
        template
          .clone()
          .text()
          .catch(() => undefined),
      notReplayable: undefined,
    };
  }
  const body = init?.body;
  if (isStream(body)) {
    let used = false;
    return {
      next: (signal) => {
        if (used) throw new TypeError('a ReadableStream body cannot be sent twice');
        used = true;
        return [input, { ...init, signal, duplex: 'half' } as RequestInit];
      },
      text: async () => undefined,
      notReplayable: 'the request body is a one-shot ReadableStream, which cannot be sent twice',
    };
  }
  return {
    next: (signal) => [input, { ...init, signal }],
    text: async () => {
      if (body === undefined || body === null) return undefined;
      if (typeof body === 'string') return body;
      if (body instanceof URLSearchParams) return body.toString();
      if (typeof FormData !== 'undefined' && body instanceof FormData) {
        const fields = new URLSearchParams();
        for (const [key, value] of body.entries())
          if (typeof value === 'string') fields.append(key, value);
        return fields.toString();
      }
      return new Response(body as BodyInit).text().catch(() => undefined);
    },
    notReplayable: undefined,
  };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Reads a response's body once, for classification, and hands back a fresh Response carrying
 * the same status, headers, URL and body, unread, for the caller. Reading once and rebuilding is
 * cheaper than `clone()`, which tees the stream and buffers it twice.
 */
export async function peek(response: Response): Promise<{ body: unknown; response: Response }> {
  const text = await response.text();
  let body: unknown = text;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const fresh = new Response(NULL_BODY_STATUSES.has(response.status) ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(fresh, 'url', { value: response.url });
  if (response.redirected) Object.defineProperty(fresh, 'redirected', { value: true });
  return { body, response: fresh };
}
