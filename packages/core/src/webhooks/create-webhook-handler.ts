import type { Engine } from '../engine/index.js';
import { PortOneWebhookError, type WebhookRejection } from '../errors/webhook-error.js';
import { assertSecret } from '../signatures/sign-request.js';
import type { PaymentStatus } from '../types.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { isFinalStatus, isReplay } from './status-order.js';
import { assertExpected, type ExpectedPayment, verifyWebhook } from './verify-webhook.js';
import type { PortOneWebhook } from './webhook.js';
import { createMemoryWebhookStore, type WebhookStore } from './webhook-store.js';

/** What `onPayment` is told besides the webhook. */
export interface WebhookMeta {
  /**
   * True when this order ref already had this status applied, or a later one (a resend, a
   * replay, or a late `Pending` after `Success`). The engine is not told again; answer as for
   * any webhook, and change nothing.
   */
  readonly replay: boolean;
}

/** Options of `createWebhookHandler`. */
export interface WebhookHandlerOptions {
  /** Your PortOne secret key: the one that signs your payment requests. */
  readonly secret: string;
  /**
   * The engine your PortOne client uses. A final status (`Success`, `Failed`, `Expired`) is handed
   * to `engine.settle(ref, status)`, so a call polling that payment ends at once.
   * @default undefined (no call is told)
   */
  readonly engine?: Engine | undefined;
  /**
   * The amount and currency you stored for a merchant order ref, or `undefined` for an order you
   * do not know (answered 404, so PortOne sends it again later). PortOne's checklist asks for
   * this comparison before a status is trusted.
   * @default undefined (not compared)
   */
  readonly expected?:
    | ((
        merchantOrderRef: string,
      ) => Promise<ExpectedPayment | undefined> | ExpectedPayment | undefined)
    | undefined;
  /**
   * Called with each verified webhook, replays included (`meta.replay`). If it throws, the
   * handler rejects (your framework answers 500), the status is not recorded as applied, and
   * PortOne sends the webhook again.
   * @default undefined
   */
  readonly onPayment?: ((webhook: PortOneWebhook, meta: WebhookMeta) => unknown) | undefined;
  /**
   * Called with each webhook refused as malformed, forged, or not matching `expected`: a place
   * to log or alert. The error holds no secret and no payload.
   * @default undefined
   */
  readonly onRejected?: ((error: PortOneWebhookError) => unknown) | undefined;
  /**
   * Where the last applied status per order ref is remembered, to drop replays. Share one
   * (e.g. on Redis) across the servers that receive webhooks.
   * @default createMemoryWebhookStore() — the last 10 000 order refs of this process
   */
  readonly seen?: WebhookStore | undefined;
  /**
   * The largest body accepted, in bytes; a larger one is answered 413 unread. PortOne's payment
   * webhook is about 2 KB.
   * @default 65536
   */
  readonly maxBodyBytes?: number | undefined;
}

/** A web-standard request handler: Hono, Next.js route handlers, workers, Bun and Deno take it as is. */
export type WebhookHandler = (request: Request) => Promise<Response>;

const STATUS_OF_REJECTION: Readonly<Record<WebhookRejection, number>> = {
  malformed: 400,
  signature: 401,
  amount: 422,
  currency: 422,
};

/**
 * How long a server may hold an order ref while it applies one webhook. Longer than any
 * `onPayment` should take; PortOne waits far longer between resends.
 */
const CLAIM_LEASE_MS = 60_000;

const OPTION_NAMES = new Set([
  'secret',
  'engine',
  'expected',
  'onPayment',
  'onRejected',
  'seen',
  'maxBodyBytes',
]);

/**
 * Receives PortOne's payment webhooks: reads the raw body, verifies its signature, compares its
 * amount and currency with your order, drops replays, calls `onPayment`, and settles the call
 * that is polling that payment. Answers:
 * - 200 to a webhook applied or dropped as a replay, so PortOne stops sending it;
 * - 409 while another server that shares `seen` is applying a webhook of the same order ref;
 * - 400 malformed, 401 bad signature, 422 amount or currency not the order's, 404 unknown order;
 * - 405 to anything but POST, 413 to a body over `maxBodyBytes`.
 *
 * Give it the request untouched: a body parser that ran first leaves it an empty body.
 *
 * @example
 * const handler = createWebhookHandler({
 *   secret: process.env.PORTONE_SECRET, engine: client.portone,
 *   expected: async (ref) => db.orders.amountAndCurrency(ref),
 *   onPayment: async (webhook, { replay }) => { if (!replay) await db.orders.markPaid(webhook) },
 * });
 * app.post('/webhooks/portone', (c) => handler(c.req.raw)); // Hono
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const settings = validate(options);
  const { secret, engine, expected, onPayment, onRejected, seen, maxBodyBytes } = settings;
  const inOrder = keyedQueue();

  const reject = async (error: PortOneWebhookError): Promise<Response> => {
    await onRejected?.(error);
    return answer(STATUS_OF_REJECTION[error.reason], { error: error.reason });
  };

  return async (request) => {
    if (request.method !== 'POST') return answer(405, { error: 'method' }, { allow: 'POST' });
    let webhook: PortOneWebhook;
    try {
      webhook = await verifyWebhook(await readBody(request, maxBodyBytes), secret);
      if (expected !== undefined) {
        const order = await expected(webhook.merchant_order_ref);
        if (order === undefined) return answer(404, { error: 'unknown-order' });
        assertExpected(webhook, order);
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) return answer(413, { error: 'too-large' });
      if (error instanceof PortOneWebhookError) return reject(error);
      throw error;
    }

    const ref = webhook.merchant_order_ref;
    // One webhook per order ref at a time in this process, so PortOne's resend arriving while the
    // first is still in `onPayment` is seen as the replay it is.
    return inOrder(ref, async () => {
      // Across servers: one webhook per order ref at a time, for as long as the claim's lease.
      const token = await seen.claim?.(ref, CLAIM_LEASE_MS);
      if (seen.claim !== undefined && token === undefined) {
        return answer(409, { error: 'in-progress' });
      }
      try {
        const replay = isReplay(await seen.get(ref), webhook.status);
        await onPayment?.(webhook, { replay });
        if (!replay) {
          if (isFinalStatus(webhook.status)) await settleCall(engine, ref, webhook.status);
          await seen.set(ref, webhook.status);
        }
        return answer(200, { received: true, replay });
      } finally {
        // A release that fails leaves the ref to its lease: the answer stands.
        if (token !== undefined) {
          await Promise.resolve()
            .then(() => seen.release?.(ref, token))
            .catch(() => {});
        }
      }
    });
  };
}

/**
 * Tells the engine a payment settled, so a call polling it ends now. `settle` is optional on the
 * engine's type: an engine without it polls to the end as before.
 */
async function settleCall(
  engine: Engine | undefined,
  ref: string,
  status: PaymentStatus,
): Promise<void> {
  await (
    engine as { settle?: (ref: string, status: PaymentStatus) => unknown } | undefined
  )?.settle?.(ref, status);
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Runs tasks with the same key one after another; tasks with different keys run freely. */
function keyedQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

interface Settings {
  secret: string;
  engine: Engine | undefined;
  expected: WebhookHandlerOptions['expected'];
  onPayment: WebhookHandlerOptions['onPayment'];
  onRejected: WebhookHandlerOptions['onRejected'];
  seen: WebhookStore;
  maxBodyBytes: number;
}

function validate(options: WebhookHandlerOptions): Settings {
  const where = 'createWebhookHandler';
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object with a secret`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`${where}: unknown option ${key}`);
  }
  assertSecret(options.secret, where);
  for (const name of ['expected', 'onPayment', 'onRejected'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`${where}: ${name} must be a function`);
    }
  }
  if (
    options.engine !== undefined &&
    (typeof options.engine !== 'object' || options.engine === null)
  ) {
    throw new TypeError(`${where}: engine must be an engine from createEngine`);
  }
  const seen = options.seen ?? createMemoryWebhookStore();
  if (typeof seen.get !== 'function' || typeof seen.set !== 'function') {
    throw new TypeError(`${where}: seen must have get(ref) and set(ref, status)`);
  }
  for (const name of ['claim', 'release'] as const) {
    if (seen[name] !== undefined && typeof seen[name] !== 'function') {
      throw new TypeError(`${where}: seen.${name} must be a function`);
    }
  }
  // A claim never given back would hold its ref, and answer 409, for a whole lease.
  if ((seen.claim === undefined) !== (seen.release === undefined)) {
    throw new TypeError(`${where}: seen.claim and seen.release must be given together`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError(`${where}: maxBodyBytes must be a positive integer`);
  }
  return {
    secret: options.secret,
    engine: options.engine,
    expected: options.expected,
    onPayment: options.onPayment,
    onRejected: options.onRejected,
    seen,
    maxBodyBytes,
  };
}
