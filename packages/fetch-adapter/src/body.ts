import type { AttemptResponse } from '@portone-retry/core';

/** How a request that needs preparing (a `Request` input, a stream body) is sent on each attempt. */
export interface ReplayableRequest {
  /** The input of one attempt: a fresh, unread copy when the input is a `Request`. */
  attemptInput(): RequestInfo | URL;
  /** The init of one attempt, with `signal` when given; each call gives a fresh, unread body. */
  attemptInit(signal: AbortSignal | undefined): RequestInit | undefined;
  /** The body as text, for finding the order ref (undefined when it cannot be read). */
  text(): Promise<string | undefined>;
  /** Why the body cannot be sent twice, when it cannot (a one-shot ReadableStream). */
  readonly notReplayable: string | undefined;
}

/**
 * The init of one attempt: the caller's own when there is nothing to add (fetch reads an absent
 * init fastest), else a copy, so the caller's init is never changed.
 */
export const withSignal = (
  init: RequestInit | undefined,
  signal: AbortSignal | undefined,
): RequestInit | undefined => (signal === undefined ? init : { ...init, signal });

const isStream = (body: unknown): boolean =>
  typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/** A `Request` input: cloned for each attempt, so the original stays unread. */
class ClonedRequest implements ReplayableRequest {
  readonly notReplayable = undefined;
  private readonly template: Request;

  constructor(
    input: Request,
    private readonly init: RequestInit | undefined,
  ) {
    this.template = input.clone();
  }

  attemptInput(): Request {
    return this.template.clone();
  }
  attemptInit(signal: AbortSignal | undefined): RequestInit | undefined {
    return withSignal(this.init, signal);
  }
  text(): Promise<string | undefined> {
    return this.template
      .clone()
      .text()
      .catch(() => undefined);
  }
}

/** A ReadableStream body: it can be read once only. */
class OneShotBody implements ReplayableRequest {
  readonly notReplayable =
    'the request body is a one-shot ReadableStream, which cannot be sent twice';
  private used = false;

  constructor(
    private readonly input: RequestInfo | URL,
    private readonly init: RequestInit | undefined,
  ) {}

  attemptInput(): RequestInfo | URL {
    return this.input;
  }
  attemptInit(signal: AbortSignal | undefined): RequestInit {
    if (this.used) throw new TypeError('a ReadableStream body cannot be sent twice');
    this.used = true;
    return { ...withSignal(this.init, signal), duplex: 'half' } as RequestInit;
  }
  async text(): Promise<string | undefined> {
    return undefined;
  }
}

/**
 * The text of a body that is reusable as it is (string, URLSearchParams, Blob, ArrayBuffer,
 * FormData), for finding the order ref; undefined when there is none or it cannot be read.
 */
export async function reusableBodyText(init: RequestInit | undefined): Promise<string | undefined> {
  const body = init?.body;
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
}

/**
 * Prepares a fetch call for attempts when its input and body need it: a `Request` is cloned for
 * each attempt (the original stays unread); a ReadableStream body can be read once only, so it is
 * marked not replayable. Anything else (a URL with no body, or a string, URLSearchParams, Blob,
 * ArrayBuffer or FormData body: the usual calls) is sent as it is on every attempt, and needs
 * nothing: undefined. (Classes, not closures: one small object per call that needs one.)
 */
export function replayable(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  /** Whether `input` is a `Request` (the caller has checked already). */
  requestInput: boolean,
): ReplayableRequest | undefined {
  if (requestInput) return new ClonedRequest(input as Request, init);
  const body = init?.body;
  return body !== undefined && body !== null && typeof body === 'object' && isStream(body)
    ? new OneShotBody(input, init)
    : undefined;
}

/** Statuses whose response has no body, whatever came. */
const hasNullBody = (status: number): boolean =>
  status === 204 || status === 304 || status === 205 || status === 101;

/**
 * An attempt's answer from a response and its body text, read once for classification: the body
 * parsed, and as `raw` a Response carrying the same status, headers, URL and body, unread, for
 * the caller. Its body is served from the text already read: `json()`, `text()` and the rest cost
 * no stream, and a stream is built only if the caller asks for `body` or `clone()`. That is much
 * cheaper than `clone()` (which tees and buffers twice) or a stream-backed copy.
 */
export function afterReading(response: Response, text: string): AttemptResponse<Response> {
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
  // Each of the Response's getters checks its brand: read once.
  const status = response.status;
  BufferedResponse ??= defineBufferedResponse();
  return {
    httpStatus: status,
    headers: response.headers,
    body,
    raw: new BufferedResponse(response, status, text, isJson ? body : undefined),
  };
}

const unusable = () => new TypeError('Body is unusable: Body has already been read');

/**
 * The class is made on first use, so that importing the adapter never touches `Response` (a
 * runtime may install its fetch after the import).
 */
type BufferedResponseClass = new (
  original: Response,
  status: number,
  text: string,
  parsed: unknown,
) => Response;
let BufferedResponse: BufferedResponseClass | undefined;

function defineBufferedResponse(): BufferedResponseClass {
  /**
   * A Response over a body already read as text. It is no Response made by the runtime (making
   * one is the costliest part of handing an answer back): its prototype is chained to
   * `Response.prototype`, so `instanceof Response` holds, and every member of a Response is its
   * own, reading the original's status, headers, URL and redirect flag through, not copied.
   * A call allocates one small object and no closures.
   */
  class BufferedResponse {
    readonly #original: Response;
    readonly #text: string;
    /** The JSON the engine parsed, handed to the first `json()`; undefined when not JSON. */
    #parsed: unknown;
    #used = false;
    /** A stream-backed twin, made only when the caller wants the stream itself. */
    #twin: Response | undefined;

    constructor(original: Response, status: number, text: string, parsed: unknown) {
      this.#original = original;
      this.#text = hasNullBody(status) ? '' : text;
      this.#parsed = parsed;
    }

    get status(): number {
      return this.#original.status;
    }
    get statusText(): string {
      return this.#original.statusText;
    }
    get ok(): boolean {
      return this.#original.ok;
    }
    get type(): ResponseType {
      return this.#original.type;
    }
    get headers(): Headers {
      return this.#original.headers;
    }
    get url(): string {
      return this.#original.url;
    }
    get redirected(): boolean {
      return this.#original.redirected;
    }
    get bodyUsed(): boolean {
      return this.#used || (this.#twin?.bodyUsed ?? false);
    }
    get body(): Response['body'] {
      if (this.#used || hasNullBody(this.status)) return null;
      return this.#twinOf().body;
    }

    #twinOf(): Response {
      this.#twin ??= new Response(hasNullBody(this.status) ? null : this.#text, {
        status: this.status,
        statusText: this.statusText,
        headers: this.#original.headers,
      });
      return this.#twin;
    }

    #consume<T>(read: (text: string) => T): Promise<T> {
      if (this.bodyUsed) return Promise.reject(unusable());
      this.#used = true;
      try {
        return Promise.resolve(read(this.#text));
      } catch (error) {
        return Promise.reject(error);
      }
    }

    text(): Promise<string> {
      return this.#consume((text) => text);
    }
    json(): Promise<unknown> {
      const parsed = this.#parsed;
      this.#parsed = undefined;
      // The JSON already parsed is handed over without a closure (this runs on every call).
      if (parsed === undefined) return this.#consume(JSON.parse);
      if (this.bodyUsed) return Promise.reject(unusable());
      this.#used = true;
      return Promise.resolve(parsed);
    }
    bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return this.#consume((text) => new TextEncoder().encode(text));
    }
    arrayBuffer(): Promise<ArrayBuffer> {
      return this.#consume((text) => new TextEncoder().encode(text).buffer);
    }
    blob(): Promise<Blob> {
      const type = this.#original.headers.get('content-type') ?? '';
      return this.#consume((text) => new Blob([text], { type }));
    }
    formData(): Promise<FormData> {
      if (this.bodyUsed) return Promise.reject(unusable());
      this.#used = true;
      return this.#twinOf().formData();
    }
    clone(): Response {
      if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
      // A clone parses for itself: the two must never share one object.
      return new BufferedResponse(
        this.#original,
        this.#original.status,
        this.#text,
        undefined,
      ) as unknown as Response;
    }
  }
  Object.setPrototypeOf(BufferedResponse.prototype, Response.prototype);
  return BufferedResponse as unknown as BufferedResponseClass;
}
