import { envelope, htmlStatusPage, httpStatusFor } from './envelope.js';
import { verifyHs256 } from './hs256.js';
import { Ledger } from './ledger.js';
import { seededRandom } from './prng.js';
import { routeOf } from './routes.js';
import { invalid } from './shapes.js';
import { type Route, Script, type Step } from './steps.js';
import { fieldAt, invalidFieldOf } from './validation.js';

/** A request as both front ends (HTTP server, msw) hand it over. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body text ('' when none). */
  readonly body: string;
}

/** What to answer, for a front end to put on the wire. */
export type SimReply =
  | {
      readonly type: 'answer';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: string;
      readonly delayMs: number;
      readonly slowBodyMs: number;
    }
  | { readonly type: 'reset'; readonly delayMs: number }
  | {
      readonly type: 'truncated';
      readonly status: number;
      readonly body: string;
      readonly delayMs: number;
    };

/** Random failures for load: `rate` of matching requests answer `code`. */
export interface FaultOptions {
  /** Share of requests that fail, 0 to 1. */
  rate: number;
  /** The PortOne code to fail with (e.g. 5024), or `'reset-after'` to process then drop the connection. */
  code: number | 'reset-after' | 'reset-before';
  /** Seed of the PRNG, so runs repeat. @default 1 */
  seed?: number;
  /** Only requests to this route fail. @default every create (initiatePayment, paymentLink, createSubscription) */
  route?: Route;
}

/** Options of the simulator and of the msw handlers. */
export interface SimulatorOptions {
  /**
   * When set, requests must carry `X-Portone-Client-Key: key` and `Authorization: Bearer <JWT
   * whose sub is key>`; with `secret`, the JWT's HS256 signature must verify with it too.
   */
  auth?: { key: string; secret?: string };
  /** Random failures for load tests. */
  faults?: FaultOptions;
  /**
   * Refuse a repeated create for an existing order ref with 4002, as PortOne does.
   * `false` creates again: it shows what a client that re-sends blindly would do to customers
   * if the API did not protect them.
   * @default true
   */
  dedupe?: boolean;
  /**
   * Validate requests as PortOne does: required fields (400 or 401 / `4001`, "amount is a
   * required field"), enumerations, amounts above zero, three-letter currencies. `false` accepts
   * any body that names its ref, for tests of transport behaviour only.
   * @default true
   */
  validate?: boolean;
  /**
   * The merchant's PortOne key and secret: with them, `signature_hash` is verified as PortOne
   * computes it (initiatePayment, createPlan, on-demand createSubscription) and a mismatch
   * answers 401 / `4011`. Without them the simulator cannot check signatures and does not.
   */
  signatures?: { key: string; secret: string };
}

/** Where random faults land by default: the creates. */
const CREATE_ROUTES: readonly RegExp[] = [
  /^\/api\/initiatePayment$/,
  /^\/api\/paymentLink$/,
  /^\/api\/subscription\/createSubscription$/,
];

function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const payload: unknown = JSON.parse(json);
    return typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

/** Timing and hint fields a step adds to whatever it answers. */
interface Modifiers {
  readonly delayMs?: number | undefined;
  readonly slowBodyMs?: number | undefined;
  readonly retryAfter?: number | string | undefined;
}

const answer = (
  status: number,
  body: unknown,
  extra: Modifiers = {},
  contentType = 'application/json',
): SimReply => ({
  type: 'answer',
  status,
  headers: {
    'content-type': contentType,
    ...(extra.retryAfter === undefined ? {} : { 'retry-after': String(extra.retryAfter) }),
  },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  delayMs: extra.delayMs ?? 0,
  slowBodyMs: extra.slowBodyMs ?? 0,
});

/**
 * PortOne's behaviour, free of any HTTP framework, so the loopback server and the msw handlers
 * cannot drift apart: routes, envelopes, the ledger, scripted steps, faults and auth.
 */
export class PortOneBehaviour {
  readonly ledger = new Ledger();
  readonly script = new Script();
  private readonly counts = new Map<string, number>();
  private faults: (FaultOptions & { random: () => number; pattern: Script }) | undefined;
  private tokensExpiredAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SimulatorOptions = {}) {
    const auth = options.auth;
    if (auth !== undefined && (typeof auth.key !== 'string' || auth.key === '')) {
      throw new TypeError('auth.key must be a non-empty string');
    }
    if (auth?.secret !== undefined && (typeof auth.secret !== 'string' || auth.secret === '')) {
      throw new TypeError('auth.secret must be a non-empty string when given');
    }
    const signatures = options.signatures;
    if (
      signatures !== undefined &&
      (typeof signatures.key !== 'string' ||
        signatures.key === '' ||
        typeof signatures.secret !== 'string' ||
        signatures.secret === '')
    ) {
      throw new TypeError('signatures must be { key, secret }, both non-empty strings');
    }
    if (options.faults !== undefined) this.setFaults(options.faults);
  }

  /**
   * Requests seen for a route (and `total` without one). A route is counted as `script` matches
   * it: `'GET /api/transaction/*\/status'`, or a path alone for every method.
   */
  requests(route?: string): number {
    if (route === undefined) return this.counts.get('total') ?? 0;
    const exact = this.counts.get(route);
    if (exact !== undefined) return exact;
    let sum = 0;
    for (const [seen, count] of this.counts) {
      if (seen === 'total') continue;
      const [method = '', path = ''] = seen.split(' ', 2);
      if (this.matches(route, method, path)) sum += count;
    }
    return sum;
  }

  /** Starts (or, with `undefined`, stops) random faults. */
  setFaults(faults: FaultOptions | undefined): void {
    if (faults === undefined) {
      this.faults = undefined;
      return;
    }
    if (
      typeof faults.rate !== 'number' ||
      Number.isNaN(faults.rate) ||
      faults.rate < 0 ||
      faults.rate > 1
    ) {
      throw new TypeError('faults.rate must be a number from 0 to 1');
    }
    const pattern = new Script();
    pattern.add(faults.route ?? '*', []);
    this.faults = { ...faults, random: seededRandom(faults.seed ?? 1), pattern };
  }

  /** Every token issued until now answers 401 / 4054 until one issued later arrives. */
  expireTokens(now = Date.now()): void {
    this.tokensExpiredAt = Math.floor(now / 1000);
  }

  handle(request: SimRequest): SimReply {
    const method = request.method.toUpperCase();
    const path = request.path.split('?')[0]?.replace(/\/+$/, '') || '/';
    const route = `${method} ${path}`;
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    this.counts.set('total', (this.counts.get('total') ?? 0) + 1);

    // The auth-token endpoint is how a client gets a token: it takes none.
    const denied = path.endsWith('/api/merchant/auth-token') ? undefined : this.checkAuth(request);
    if (denied !== undefined) return denied;

    const step = this.script.take(method, path) ?? this.fault(method, path) ?? {};
    const modifiers: Modifiers = {
      delayMs: step.delayMs,
      slowBodyMs: step.slowBodyMs,
      retryAfter: step.retryAfter,
    };
    if (step.reset === 'before') return { type: 'reset', delayMs: step.delayMs ?? 0 };
    if (step.html !== undefined)
      return answer(step.html, htmlStatusPage(step.html), modifiers, 'text/html');
    if (step.empty !== undefined) return answer(step.empty, '', modifiers, 'text/plain');
    const raw = step.raw ?? (step.status === undefined ? undefined : step);
    if (raw?.status !== undefined) {
      return answer(
        raw.status,
        raw.body === undefined ? '' : raw.body,
        modifiers,
        raw.contentType ?? 'application/json',
      );
    }
    const query = new URLSearchParams(request.path.split('?')[1] ?? '');
    const body = parseJson(request.body);
    if (step.code !== undefined && !(Number(step.code) >= 2000 && Number(step.code) < 3000)) {
      // PortOne did it, then said it failed: the move is in the ledger, the answer an error.
      if (step.processed === true) this.route(method, path, query, body, step, modifiers);
      const code = Number(step.code);
      return answer(
        step.http ?? (Number.isFinite(code) ? httpStatusFor(code) : 400),
        envelope(step.code),
        modifiers,
      );
    }

    const reply = this.route(method, path, query, body, step, modifiers);
    if (step.reset === 'after') return { type: 'reset', delayMs: step.delayMs ?? 0 };
    if (step.truncated && reply.type === 'answer') {
      return { type: 'truncated', status: reply.status, body: reply.body, delayMs: reply.delayMs };
    }
    return reply;
  }

  private fault(method: string, path: string): Step | undefined {
    const faults = this.faults;
    if (faults === undefined) return undefined;
    const applies =
      faults.route === undefined
        ? method === 'POST' && CREATE_ROUTES.some((pattern) => pattern.test(path))
        : faults.pattern.take(method, path) === undefined &&
          this.matches(faults.route, method, path);
    if (!applies || faults.random() >= faults.rate) return undefined;
    if (faults.code === 'reset-after') return { reset: 'after' };
    if (faults.code === 'reset-before') return { reset: 'before' };
    return { code: faults.code };
  }

  private matches(route: Route, method: string, path: string): boolean {
    const probe = new Script();
    probe.add(route, [{}]);
    return probe.take(method, path) !== undefined;
  }

  private checkAuth(request: SimRequest): SimReply | undefined {
    const auth = this.options.auth;
    if (auth === undefined) return undefined;
    const header = (name: string) =>
      Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
    if (header('x-portone-client-key') !== auth.key) return answer(401, envelope(4010));
    const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1];
    const payload = bearer === undefined ? undefined : decodeJwtPayload(bearer);
    if (payload === undefined || payload.sub !== auth.key) return answer(401, envelope(4054));
    if (auth.secret !== undefined && !verifyHs256(bearer ?? '', auth.secret)) {
      return answer(401, envelope(4054));
    }
    const iat = typeof payload.iat === 'number' ? payload.iat : 0;
    const exp = typeof payload.exp === 'number' ? payload.exp : Number.POSITIVE_INFINITY;
    if (iat <= this.tokensExpiredAt || exp * 1000 < Date.now()) return answer(401, envelope(4054));
    return undefined;
  }

  /** Routes by core's operation catalogue; validates as PortOne does, then runs the handler. */
  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
    step: Step,
    modifiers: Modifiers,
  ): SimReply {
    const route = routeOf(method, path);
    if (route === undefined) {
      return answer(404, envelope(4001, `no such route: ${method} ${path}`), modifiers);
    }
    const { op, params, handler } = route;
    const problem = this.options.validate === false ? undefined : invalidFieldOf(op.id, body);
    if (problem !== undefined) {
      const refused = invalid(op.id, problem);
      return answer(refused.status, refused.body, modifiers);
    }
    if (this.options.validate === false && op.ref?.in === 'body' && op.kind !== 'read') {
      // Even unvalidated, a create or money move must name its ref: the ledger is keyed by it.
      const field = op.ref.fields[0] ?? 'ref';
      const value = fieldAt(body, field);
      if (value === undefined || value === null || value === '') {
        const refused = invalid(
          op.id,
          `${field.slice(field.lastIndexOf('.') + 1)} is a required field`,
        );
        return answer(refused.status, refused.body, modifiers);
      }
    }
    const result = handler({
      op,
      params,
      body,
      query,
      step,
      ledger: this.ledger,
      dedupe: this.options.dedupe !== false,
      auth: this.options.auth,
      merchant: this.options.signatures,
    });
    return answer(result.status, result.body, modifiers);
  }
}
