import type { PaymentStatus } from '@portone-retry/core';
import { envelope, htmlStatusPage, httpStatusFor } from './envelope.js';
import { verifyHs256 } from './hs256.js';
import { Ledger, type LedgerPayment } from './ledger.js';
import { seededRandom } from './prng.js';
import { type Route, Script, type Step } from './steps.js';

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
}

const CREATE_ROUTES: ReadonlyArray<[RegExp, LedgerPayment['kind'], string]> = [
  [/^\/api\/initiatePayment$/, 'payment', 'merchant_order_id'],
  [/^\/api\/paymentLink$/, 'link', 'merchant_order_id'],
  [/^\/api\/subscription\/createSubscription$/, 'subscription', 'merchant_order_ref'],
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
    if (options.faults !== undefined) this.setFaults(options.faults);
  }

  /** Requests seen per `METHOD /path` (and `total`). */
  requests(route?: string): number {
    if (route === undefined) return this.counts.get('total') ?? 0;
    return this.counts.get(route) ?? 0;
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

    const denied = this.checkAuth(request);
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
    if (step.code !== undefined && !(Number(step.code) >= 2000 && Number(step.code) < 3000)) {
      const code = Number(step.code);
      return answer(
        step.http ?? (Number.isFinite(code) ? httpStatusFor(code) : 400),
        envelope(step.code),
        modifiers,
      );
    }

    const reply = this.route(method, path, parseJson(request.body), step, modifiers);
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
        ? method === 'POST' && CREATE_ROUTES.some(([pattern]) => pattern.test(path))
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

  private route(
    method: string,
    path: string,
    body: Record<string, unknown>,
    step: Step,
    modifiers: Modifiers,
  ): SimReply {
    const create = CREATE_ROUTES.find(([pattern]) => pattern.test(path));
    if (method === 'POST' && create !== undefined)
      return this.create(create, body, step, modifiers);

    const status = /^\/api\/transaction\/([^/]+)\/status$/.exec(path);
    if (method === 'GET' && status?.[1] !== undefined) {
      return this.status(decodeURIComponent(status[1]), modifiers);
    }
    const capture = /^\/api\/transaction\/([^/]+)\/capture$/.exec(path);
    if (method === 'POST' && capture?.[1] !== undefined) {
      const payment = this.ledger.get(decodeURIComponent(capture[1]));
      if (payment === undefined)
        return answer(404, envelope(5001, 'transaction not found'), modifiers);
      payment.captured = true;
      return answer(
        200,
        envelope(2000, 'captured', { order_ref: payment.orderRef, status: payment.status }),
        modifiers,
      );
    }
    const refund = /^\/api\/refund\/([^/]+)$/.exec(path);
    if (refund?.[1] !== undefined && (method === 'POST' || method === 'GET')) {
      const payment = this.ledger.get(decodeURIComponent(refund[1]));
      if (payment === undefined)
        return answer(400, envelope(5001, 'transaction not found'), modifiers);
      if (method === 'POST') payment.refunded += Number(body.refund_amount ?? payment.amount ?? 0);
      // PortOne's refund success carries no envelope at all.
      return answer(
        200,
        { order_ref: payment.orderRef, refund_amount: payment.refunded, status: 'Refunded' },
        modifiers,
      );
    }
    return answer(404, envelope(4001, `no such route: ${method} ${path}`), modifiers);
  }

  private create(
    [, kind, field]: (typeof CREATE_ROUTES)[number],
    body: Record<string, unknown>,
    step: Step,
    modifiers: Modifiers,
  ): SimReply {
    const refValue = body[field] ?? body.merchant_order_ref ?? body.merchant_order_id;
    const ref =
      typeof refValue === 'string' || typeof refValue === 'number' ? String(refValue) : '';
    if (ref === '') return answer(400, envelope(4001, `${field} is required`), modifiers);
    if (this.options.dedupe !== false && this.ledger.count(ref) > 0) {
      return answer(400, envelope(4002, `duplicate ${field}: ${ref}`), modifiers);
    }
    const pending = step.pending !== undefined && step.pending > 0;
    const payment = this.ledger.create(ref, {
      kind,
      amount: typeof body.amount === 'number' ? body.amount : Number(body.amount ?? 0) || undefined,
      status: pending ? 'Pending' : (step.settle ?? 'Success'),
      pollsLeft: step.pending ?? 0,
      settleTo: step.settle ?? 'Success',
    });
    if (pending) {
      return answer(
        200,
        envelope(1000, 'payment pending', {
          status: 'Pending',
          order_ref: payment.orderRef,
          merchant_order_ref: ref,
        }),
        modifiers,
      );
    }
    // initiatePayment's success: `is_success` and no status_code, exactly as PortOne sends it.
    return answer(
      200,
      {
        is_success: true,
        merchant_order_ref: ref,
        order_ref: payment.orderRef,
        channel_order_ref: `CH${payment.orderRef}`,
        redirect_url: `https://checkout.portone.cloud/pay/${payment.orderRef}`,
        message: 'payment created',
      },
      modifiers,
    );
  }

  private status(ref: string, modifiers: Modifiers): SimReply {
    const payment = this.ledger.get(ref);
    if (payment === undefined)
      return answer(400, envelope(5001, `no transaction for ${ref}`), modifiers);
    if (payment.status === 'Pending') {
      if (payment.pollsLeft > 0) payment.pollsLeft--;
      else payment.status = payment.settleTo;
    }
    const status: PaymentStatus = payment.status;
    return answer(
      200,
      envelope(2000, 'transaction status', {
        status,
        order_ref: payment.orderRef,
        channel_order_ref: `CH${payment.orderRef}`,
      }),
      modifiers,
    );
  }
}
