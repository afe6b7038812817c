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
 * Reads a response's body once, for classification, and hands back a Response carrying the same
 * status, headers, URL and body, unread, for the caller. Its body is served from the text already
 * read: `json()`, `text()` and the rest cost no stream, and a stream is built only if the caller
 * asks for `body` or `clone()`. That is much cheaper than `clone()` (which tees and buffers twice)
 * or a stream-backed copy.
 */
export async function peek(response: Response): Promise<{ body: unknown; response: Response }> {
  const text = await response.text();
  let body: unknown = text;
  let isJson = false;
  if (text !== '') {
    try {
      body = JSON.parse(text);
      isJson = true;
    } catch {
      body = text;
    }
  }
  return { body, response: bufferedResponse(response, text, isJson ? body : undefined) };
}

function bufferedResponse(original: Response, text: string, parsed: unknown): Response {
  const init = {
    status: original.status,
    statusText: original.statusText,
    headers: original.headers,
  };
  const fresh = new Response(null, init);
  Object.defineProperty(fresh, 'url', { value: original.url });
  if (original.redirected) Object.defineProperty(fresh, 'redirected', { value: true });
  if (NULL_BODY_STATUSES.has(original.status)) return fresh;

  // A stream-backed twin, made only when the caller wants the stream itself.
  let twin: Response | undefined;
  const twinOf = () => {
    twin ??= new Response(text, init);
    return twin;
  };
  let used = false;
  const unusable = () => new TypeError('Body is unusable: Body has already been read');
  const consume = <T>(read: () => T): Promise<T> => {
    if (used || twin?.bodyUsed) return Promise.reject(unusable());
    used = true;
    try {
      return Promise.resolve(read());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const bytes = () => new TextEncoder().encode(text);
  Object.defineProperties(fresh, {
    text: { value: () => consume(() => text) },
    json: { value: () => consume(() => (parsed === undefined ? JSON.parse(text) : parsed)) },
    bytes: { value: () => consume(bytes) },
    arrayBuffer: { value: () => consume(() => bytes().buffer) },
    blob: {
      value: () =>
        consume(() => new Blob([text], { type: original.headers.get('content-type') ?? '' })),
    },
    formData: {
      value: () => {
        if (used || twin?.bodyUsed) return Promise.reject(unusable());
        used = true;
        return twinOf().formData();
      },
    },
    body: { get: () => (used ? null : twinOf().body) },
    bodyUsed: { get: () => used || (twin?.bodyUsed ?? false) },
    clone: {
      value: () => {
        if (used) throw new TypeError('Response.clone: Body has already been consumed.');
        // A clone parses for itself: the two must never share one object.
        return bufferedResponse(original, text, undefined);
      },
    },
  });
  return fresh;
}
