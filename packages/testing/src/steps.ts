import type { PaymentStatus } from '@portone-retry/core';

/**
 * One scripted answer. What happens is decided in this order: `reset: 'before'`, `html`,
 * `empty`, `raw` (or `status` with `body`), an error `code` (after processing with `processed`); otherwise the request is processed as PortOne would (a create
 * honours `pending` and `settle`), and then `reset: 'after'` drops the connection or `truncated`
 * cuts the body. `delayMs`, `slowBodyMs` and `retryAfter` modify any of them.
 */
export interface Step {
  /** Drop the connection: `before` processing (nothing created) or `after` (the payment exists: the ambiguous case). */
  reset?: 'before' | 'after';
  /** Answer a proxy's HTML error page with this HTTP status (e.g. 502). */
  html?: number;
  /** Answer this HTTP status with an empty body. */
  empty?: number;
  /** Send half of a JSON body, then drop the connection (after processing). */
  truncated?: true;
  /** Answer exactly this. */
  raw?: { status: number; body: unknown; contentType?: string };
  /** Answer exactly this HTTP status with `body` and `contentType` (the flat form of `raw`). */
  status?: number;
  /** With `status`: the body; a string goes as is, anything else as JSON. @default '' */
  body?: unknown;
  /** With `status`: the content type. @default 'application/json' */
  contentType?: string;
  /** Answer this PortOne code (any code, known or not) in PortOne's envelope. */
  code?: number | string;
  /**
   * With `code`: process the request first (the payment, refund, deduction… exists), then answer
   * the code: PortOne did it and answered a failure (a refund settled, then `5025`).
   */
  processed?: true;
  /** HTTP status for `code` (default: by series, see `httpStatusFor`). */
  http?: number;
  /** For creates: the payment stays Pending for this many status polls. */
  pending?: number;
  /** What a created payment settles to (default Success); without `pending`, its status from the start. */
  settle?: PaymentStatus;
  /** Wait this long before sending headers (slow headers). */
  delayMs?: number;
  /** Send headers, then wait this long before the body (slow body). */
  slowBodyMs?: number;
  /** A Retry-After header: seconds, or an HTTP-date string. */
  retryAfter?: number | string;
}

/** A route to script: `'POST /api/initiatePayment'`, or a path alone for any method; `*` matches one segment. */
export type Route = string;

interface Queue {
  readonly method: string | undefined;
  readonly pattern: RegExp;
  readonly steps: Step[];
}

function compile(route: Route): Pick<Queue, 'method' | 'pattern'> {
  const [first, second] = route.trim().split(/\s+/, 2);
  const method = second === undefined ? undefined : first?.toUpperCase();
  const path = (second ?? first ?? '/').replace(/\/+$/, '');
  const source = path
    .split('/')
    .map((part) =>
      part === '*' || part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return { method, pattern: new RegExp(`^${source}/?$`) };
}

/** Queues of scripted answers per route; the next request to a route takes the next step. */
export class Script {
  private readonly queues: Queue[] = [];

  add(route: Route, steps: readonly Step[]): void {
    if (typeof route !== 'string' || route.trim() === '') {
      throw new TypeError('script route must be a string such as "POST /api/initiatePayment"');
    }
    if (!Array.isArray(steps)) throw new TypeError('script steps must be an array');
    this.queues.push({ ...compile(route), steps: [...steps] });
  }

  /** Takes the next step scripted for this request, if any. */
  take(method: string, path: string): Step | undefined {
    for (const queue of this.queues) {
      if (queue.steps.length === 0) continue;
      if (queue.method !== undefined && queue.method !== method) continue;
      if (!queue.pattern.test(path)) continue;
      return queue.steps.shift();
    }
    return undefined;
  }

  /** Steps not yet used, across routes. */
  remaining(): number {
    return this.queues.reduce((sum, queue) => sum + queue.steps.length, 0);
  }

  clear(): void {
    this.queues.length = 0;
  }
}
