import { createRequire } from 'node:module';
import { DEFAULT_BASE_URL } from '@portone-retry/core/adapter';
import type { RequestHandler } from 'msw';
import { type FaultOptions, PortOneBehaviour, type SimulatorOptions } from './behaviour.js';
import type { Ledger } from './ledger.js';
import type { Route, Step } from './steps.js';
import { createWebhookSender, type SimulatorWebhooks, type WebhookTransport } from './webhooks.js';

/** Options of the msw handlers. */
export interface PortOneMockOptions extends SimulatorOptions {
  /** The origin to intercept. @default https://api.portone.cloud */
  baseUrl?: string;
  /**
   * Receives PortOne's signed payment webhooks as `Request`s (e.g. your `createWebhookHandler`),
   * on settlement and on `webhooks.deliver()`. @default undefined (no webhooks)
   */
  onWebhook?: WebhookTransport;
  /** The secret key webhooks are signed with. @default auth.secret */
  webhookSecret?: string;
}

/** msw handlers with the simulator's behaviour, and the handles to script and inspect it. */
export interface PortOneMock {
  readonly handlers: RequestHandler[];
  readonly ledger: Ledger;
  script(route: Route, steps: readonly Step[]): void;
  /** Requests seen for a route as `script` takes it (`'GET /api/transaction/*\/status'`), or in all. */
  requests(route?: string): number;
  expireTokens(): void;
  setFaults(faults: FaultOptions | undefined): void;
  /** Signed payment webhooks to `onWebhook`: posted on settlement, or late, twice, forged. */
  readonly webhooks: SimulatorWebhooks;
  /** Forgets scripts, payments and counts (call it in `afterEach`). */
  reset(): void;
}

/**
 * msw, loaded when a mock is made: it is an optional peer dependency, so a project that only
 * starts the simulator needs no msw. (msw resolves `require` to the same ESM build as `import`,
 * and recognises its handlers by kind, so the handlers work with the user's `setupServer`.)
 */
function loadMsw(): typeof import('msw') {
  const from = typeof __filename === 'string' ? __filename : import.meta.url;
  try {
    return createRequire(from)('msw') as typeof import('msw');
  } catch (cause) {
    throw new Error('createPortOneMock needs msw 2: install it (npm i -D msw)', { cause });
  }
}

/**
 * PortOne as msw handlers, sharing the simulator's behaviour. A connection reset maps to
 * `HttpResponse.error()`: msw cannot tell "before" from "after" on the wire, but the ledger
 * still records the payment for `reset: 'after'`. Slow bodies arrive whole after the delay.
 */
export function createPortOneMock(options: PortOneMockOptions = {}): PortOneMock {
  const { baseUrl = DEFAULT_BASE_URL, onWebhook, webhookSecret, ...behaviourOptions } = options;
  const { delay, HttpResponse, http } = loadMsw();
  let behaviour = new PortOneBehaviour(behaviourOptions);
  const webhooks = createWebhookSender({
    ledger: () => behaviour.ledger,
    transport: onWebhook,
    url: 'https://merchant.example/webhooks/portone',
    secret: webhookSecret ?? options.auth?.secret,
  });
  const origin = baseUrl.replace(/\/+$/, '');

  const handler = http.all(`${origin}/api/*`, async ({ request }) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const answer = behaviour.handle({
      method: request.method,
      path: `${url.pathname.slice(new URL(origin).pathname.replace(/\/+$/, '').length)}${url.search}`,
      headers,
      body: await request.text(),
    });
    webhooks.observe();
    if (answer.delayMs > 0) await delay(answer.delayMs);
    if (answer.type === 'reset') return HttpResponse.error();
    if (answer.type === 'truncated') {
      return new HttpResponse(answer.body.slice(0, Math.floor(answer.body.length / 2)), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (answer.slowBodyMs > 0) await delay(answer.slowBodyMs);
    return new HttpResponse(answer.body === '' ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
  });

  return {
    handlers: [handler],
    get ledger() {
      return behaviour.ledger;
    },
    script: (route, steps) => behaviour.script.add(route, steps),
    requests: (route) => behaviour.requests(route),
    expireTokens: () => behaviour.expireTokens(),
    setFaults: (faults) => behaviour.setFaults(faults),
    webhooks,
    reset: () => {
      behaviour = new PortOneBehaviour(behaviourOptions);
    },
  };
}

/** msw handlers for the PortOne endpoints (see `createPortOneMock` for scripting and the ledger). */
export function portoneHandlers(options: PortOneMockOptions = {}): RequestHandler[] {
  return createPortOneMock(options).handlers;
}
