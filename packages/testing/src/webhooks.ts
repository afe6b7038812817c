import { type PortOneWebhook, signWebhook, type WebhookStatus } from '@portone-retry/core';
import type { Ledger, LedgerPayment } from './ledger.js';

/** Options of the simulator (and of the msw mock) for the webhooks PortOne posts. */
export interface SimulatorWebhookOptions {
  /**
   * Where to post signed payment webhooks: whenever a payment the simulator holds reaches a new
   * final status (created settled, or settled by a status poll), and on `webhooks.deliver()`.
   * @default undefined (no webhooks)
   */
  webhookUrl?: string | undefined;
  /**
   * The secret key webhooks are signed with, as PortOne signs them with the merchant's.
   * @default auth.secret, when the simulator checks JWTs with one
   */
  webhookSecret?: string | undefined;
}

/** How `webhooks.deliver()` sends a webhook. */
export interface DeliverOptions {
  /**
   * The status to report. Unless `forge`, the payment takes it in the ledger too (PortOne settled
   * it), so status polls agree with the webhook.
   * @default the payment's status in the ledger
   */
  status?: WebhookStatus;
  /** Post after this many ms (a late webhook). @default 0 */
  delayMs?: number;
  /** Post this many identical copies, one after another (PortOne resending). @default 1 */
  repeat?: number;
  /** Sign with a secret that is not the merchant's (a forgery); the ledger is not changed. @default false */
  forge?: boolean;
  /** Report another amount, signed properly (PortOne's amount is not the merchant's order's). */
  amount?: number;
  /** Report another currency, signed properly. @default 'USD' */
  currency?: string;
}

/** One webhook the simulator posted, and how the receiver answered. */
export interface WebhookDelivery {
  readonly merchantOrderRef: string;
  readonly status: WebhookStatus;
  readonly forged: boolean;
  /** The receiver's HTTP status, or `undefined` when the post failed (see `error`). */
  readonly httpStatus: number | undefined;
  readonly error?: unknown;
}

/** The webhooks side of the simulator. */
export interface SimulatorWebhooks {
  /**
   * Posts the webhook of the payment with this merchant order ref, signed as PortOne signs it:
   * late (`delayMs`), twice (`repeat`), out of order (a `status` behind the ledger's) or forged.
   * Resolves when every copy was answered.
   */
  deliver(merchantOrderRef: string, options?: DeliverOptions): Promise<WebhookDelivery[]>;
  /** Every webhook posted until now, in order. */
  readonly delivered: readonly WebhookDelivery[];
  /** Resolves when every webhook sent or scheduled until now was answered. */
  idle(): Promise<void>;
}

/** The simulator's side of its webhooks: what the server hooks call. */
export interface WebhookSender extends SimulatorWebhooks {
  /** Posts a webhook for each payment whose status became final since the last look. */
  observe(): void;
  /** Cancels scheduled webhooks (their `deliver` resolves with what was posted). */
  close(): void;
}

/** How the webhook reaches the merchant: `fetch` for a URL, or the msw mock's callback. */
export type WebhookTransport = (request: Request) => Promise<Response | unknown>;

const FINAL = new Set<WebhookStatus>(['Success', 'Failed', 'Expired']);
const FORGED_SECRET = 'not-the-merchant-secret';

/**
 * Signed webhooks for the payments of a ledger, posted through `transport` (nothing is posted
 * when it is undefined, and `deliver` then throws).
 */
export function createWebhookSender(init: {
  ledger: () => Ledger;
  transport: WebhookTransport | undefined;
  url: string;
  secret: string | undefined;
}): WebhookSender {
  const { transport, url, secret } = init;
  if (transport !== undefined && (typeof secret !== 'string' || secret === '')) {
    throw new TypeError('webhookSecret must be a non-empty string when webhooks are posted');
  }
  const notified = new WeakMap<LedgerPayment, WebhookStatus>();
  const delivered: WebhookDelivery[] = [];
  const inFlight = new Set<Promise<unknown>>();
  // A scheduled post's timer and what ends its wait, so `close()` ends the wait too.
  const timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  let closed = false;

  const post = async (payment: LedgerPayment, options: DeliverOptions, status: WebhookStatus) => {
    const forged = options.forge === true;
    const body = await webhookOf(payment, status, options, forged ? FORGED_SECRET : (secret ?? ''));
    let record: WebhookDelivery;
    try {
      const answer = await transport?.(
        new Request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
      const httpStatus = answer instanceof Response ? answer.status : undefined;
      if (answer instanceof Response) await answer.body?.cancel();
      record = { merchantOrderRef: payment.merchantOrderRef, status, forged, httpStatus };
    } catch (error) {
      record = {
        merchantOrderRef: payment.merchantOrderRef,
        status,
        forged,
        httpStatus: undefined,
        error,
      };
    }
    delivered.push(record);
    return record;
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  const deliver = (ref: string, options: DeliverOptions = {}): Promise<WebhookDelivery[]> => {
    if (transport === undefined) {
      throw new TypeError('webhooks.deliver needs startSimulator({ webhookUrl, webhookSecret })');
    }
    const payment = init.ledger().get(ref);
    if (payment === undefined) throw new TypeError(`no payment with merchant order ref ${ref}`);
    const status = options.status ?? payment.status;
    if (options.forge !== true && FINAL.has(status) && payment.status === 'Pending') {
      // PortOne settled it: the status endpoint says so from now on.
      payment.status = status as LedgerPayment['status'];
    }
    if (options.forge !== true) notified.set(payment, payment.status);
    const repeat = options.repeat ?? 1;
    return track(
      (async () => {
        await wait(options.delayMs ?? 0);
        const records: WebhookDelivery[] = [];
        for (let copy = 0; copy < repeat && !closed; copy += 1) {
          records.push(await post(payment, options, status));
        }
        return records;
      })(),
    );
  };

  return {
    deliver,
    delivered,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    observe() {
      if (transport === undefined || closed) return;
      for (const payment of init.ledger().entries()) {
        if (!FINAL.has(payment.status) || notified.get(payment) === payment.status) continue;
        notified.set(payment, payment.status);
        void track(post(payment, {}, payment.status));
      }
    },
    close() {
      closed = true;
      for (const [timer, endWait] of timers) {
        clearTimeout(timer);
        endWait();
      }
      timers.clear();
    },
  };
}

/** A payment webhook shaped as PortOne's sample, for this payment, signed with `secret`. */
async function webhookOf(
  payment: LedgerPayment,
  status: WebhookStatus,
  options: DeliverOptions,
  secret: string,
): Promise<PortOneWebhook> {
  const fields = {
    amount: options.amount ?? payment.amount ?? 0,
    currency: options.currency ?? 'USD',
    order_ref: payment.orderRef,
    channel_order_ref: `CH${payment.orderRef}`,
    merchant_order_ref: payment.merchantOrderRef,
    country_code: 'US',
    status,
    channel_key: 'SIMULATOR',
    method_name: 'Simulator Card',
    method_key: 'SIMULATOR_CARD',
    status_code: STATUS_CODES[status]?.[0] ?? '2000',
    status_reason: STATUS_CODES[status]?.[1] ?? 'SUCCESS',
    environment: 'sandbox',
    source: 'api',
    masked_card_number: '************4242',
  };
  return { ...fields, signature_hash: await signWebhook(fields, secret) };
}

/** The code and reason PortOne's webhook carries with each status (from its error-code list). */
const STATUS_CODES: Record<string, readonly [string, string]> = {
  Success: ['2000', 'SUCCESS'],
  Pending: ['1000', 'PENDING'],
  Failed: ['6001', 'BANK_REFUSED_TRANSACTION'],
  Expired: ['4072', 'TRANSACTION_EXPIRED'],
};
