/**
 * The behaviour both adapters promise, written once and run against each of them, over real
 * sockets (the loopback simulator) and through msw. If the two adapters ever differ, one of
 * these suites fails.
 */
import {
  type Engine,
  isPortOneError,
  type PolicyOptions,
  PortOneAbortError,
  PortOneCardError,
  PortOneNetworkError,
  PortOneSystemError,
  PortOneTimeoutError,
  PortOneUnknownError,
  PortOneValidationError,
  type Settlement,
  type TokenOption,
} from '@portone-retry/core';
import {
  createPortOneMock,
  type Ledger,
  type Simulator,
  type Step,
  seededRandom,
  startSimulator,
} from '@portone-retry/testing';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordEvents } from './reliability/support.js';

/** A resolved call, as a test reads it: the answer, and how the call was settled. */
export interface ContractResponse {
  status: number;
  data: unknown;
  settlement?: Settlement | undefined;
}

/** What a test needs of an adapter: one wrapped client, seen through a small common shape. */
export interface ContractClient {
  readonly engine: Engine;
  post(url: string, body: unknown, init?: { signal?: AbortSignal }): Promise<ContractResponse>;
  get(url: string, init?: { signal?: AbortSignal }): Promise<ContractResponse>;
}

/** Extra adapter options a case may need. */
export interface ClientExtras {
  token?: TokenOption;
}

export type MakeClient = (
  baseUrl: string,
  policy: PolicyOptions,
  extras?: ClientExtras,
) => ContractClient;

/** A PortOne to talk to: the loopback simulator or msw. */
interface Backend {
  readonly baseUrl: string;
  readonly ledger: Ledger;
  script(route: string, steps: readonly Step[]): void;
  requests(route?: string): number;
}

/** Tiny delays keep these tests fast without fake timers (they cross real sockets). */
export const FAST: PolicyOptions = {
  minDelayMs: 1,
  maxDelayMs: 5,
  pollIntervalMs: 5,
  pollMaxIntervalMs: 10,
  attemptTimeoutMs: 2000,
};

const CREATE = 'POST /api/initiatePayment';
/** A partial refund as PortOne's spec writes one. */
const refundOf = (amount: number) => ({
  amount,
  channel: 'MOMOPAY',
  description: 'refund',
  environment: 'sandbox',
  refund_type: 'partial',
  refund_reason: 'customer asked',
});
const STATUS = 'GET /api/transaction/*/status';
let refs = 0;
const newRef = () => `ORDER-${Date.now().toString(36)}-${++refs}`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

function contractCases(
  name: string,
  backend: () => Backend,
  makeClient: MakeClient,
  real: boolean,
) {
  const client = (policy: PolicyOptions = {}, extras: ClientExtras = {}) =>
    makeClient(backend().baseUrl, { ...FAST, ...policy }, extras);
  const createUrl = () => `${backend().baseUrl}/api/initiatePayment`;
  const statusUrl = (ref: string) => `${backend().baseUrl}/api/transaction/${ref}/status`;
  const create = (c: ContractClient, ref?: string, init?: { signal?: AbortSignal }) =>
    c.post(
      createUrl(),
      { ...(ref === undefined ? {} : { merchant_order_id: ref }), amount: 1000, currency: 'KRW' },
      init,
    );

  describe(`${name}: outcomes per series`, () => {
    it('2000: resolves with PortOne’s answer after one request', async () => {
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.status).toBe(200);
      expect(res.data).toMatchObject({ is_success: true, merchant_order_ref: ref });
      expect(backend().requests(`POST /api/initiatePayment`)).toBe(1);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('1000: polls the pending payment until it settles', async () => {
      const c = client();
      const events = recordEvents(c.engine);
      backend().script(CREATE, [{ pending: 2 }]);
      const ref = newRef();
      const res = await create(c, ref);
      expect(res.data).toMatchObject({ content: { status: 'Success' } });
      expect(events.of('poll').length).toBeGreaterThanOrEqual(3);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('4001: fails fast with a validation error, one request', async () => {
      backend().script(CREATE, [{ code: 4001 }]);
      const error = await failure(create(client(), newRef()));
      expect(error).toBeInstanceOf(PortOneValidationError);
      expect(backend().requests(CREATE)).toBe(1);
    });

    it('5024 twice: reconciled, re-sent, and charged exactly once', async () => {
      const c = client();
      const events = recordEvents(c.engine);
      backend().script(CREATE, [{ code: 5024 }, { code: 5024 }]);
      const ref = newRef();
      const res = await create(c, ref);
      expect(res.status).toBe(200);
      expect(backend().requests(CREATE)).toBe(3);
      expect(events.of('reconcile').map((e) => e.action)).toEqual(['resend', 'resend']);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('6014: a card error with a customer message, never retried', async () => {
      const c = client();
      const events = recordEvents(c.engine);
      backend().script(CREATE, [{ code: 6014 }]);
      const error = await failure(create(c, newRef()));
      expect(error).toBeInstanceOf(PortOneCardError);
      expect((error as PortOneCardError).customerMessage).toMatch(/declined/);
      expect(events.of('surface')).toHaveLength(1);
      expect(backend().requests(CREATE)).toBe(1);
    });

    it('7000: fails with an unknown error, one request', async () => {
      backend().script(CREATE, [{ code: 7000 }]);
      expect(await failure(create(client(), newRef()))).toBeInstanceOf(PortOneUnknownError);
      expect(backend().requests(CREATE)).toBe(1);
    });

    it('8001 on a read: retried, then resolved', async () => {
      const ref = newRef();
      await create(client(), ref);
      backend().script(STATUS, [{ code: 8001 }]);
      const res = await client().get(statusUrl(ref));
      expect(res.data).toMatchObject({ content: { status: 'Success' } });
      expect(backend().requests(`GET /api/transaction/${ref}/status`)).toBe(2);
    });

    it('5024 on a read past its retries: a system error carrying the attempts', async () => {
      backend().script(STATUS, [{ code: 5024 }, { code: 5024 }, { code: 5024 }]);
      const error = await failure(client({ retries: 2 }).get(statusUrl('ANY')));
      expect(error).toBeInstanceOf(PortOneSystemError);
      expect((error as PortOneSystemError).attempts).toBe(3);
    });
  });

  describe(`${name}: time, hints and cancellation`, () => {
    it('honours Retry-After from a proxy’s HTML 503', async () => {
      const ref = newRef();
      await create(client(), ref);
      const c = client();
      const events = recordEvents(c.engine);
      backend().script(STATUS, [{ html: 503, retryAfter: '0.05' }]);
      await c.get(statusUrl(ref));
      expect(events.of('retry')[0]?.delayMs).toBe(50);
    });

    it('aborts during the wait between attempts, at once', async () => {
      const c = client({ minDelayMs: 5000, maxDelayMs: 5000 });
      const controller = new AbortController();
      c.engine.on('retry', () => controller.abort());
      backend().script(STATUS, [{ code: 5024 }]);
      const started = Date.now();
      const error = await failure(c.get(statusUrl('ANY'), { signal: controller.signal }));
      expect(error).toBeInstanceOf(PortOneAbortError);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(backend().requests()).toBe(1);
    });

    it('times out a slow attempt and tries again', async () => {
      const ref = newRef();
      await create(client(), ref);
      const c = client({ attemptTimeoutMs: 100 });
      const events = recordEvents(c.engine);
      backend().script(STATUS, [{ delayMs: 1000 }]);
      const res = await c.get(statusUrl(ref));
      expect(res.status).toBe(200);
      expect(events.of('retry')[0]?.error).toBeInstanceOf(PortOneTimeoutError);
    });
  });

  describe(`${name}: how a call was settled`, () => {
    it('by PortOne’s own answer, with both order refs', async () => {
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.settlement).toMatchObject({ settledBy: 'answer', orderRef: ref, attempts: 1 });
    });

    it('by a poll, with the final status', async () => {
      backend().script(CREATE, [{ pending: 1 }]);
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.settlement).toMatchObject({ settledBy: 'poll', orderRef: ref, status: 'Success' });
    });

    it('by a lookup, when the connection dropped after PortOne took the create', async () => {
      backend().script(CREATE, [{ reset: 'after' }]);
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.settlement).toMatchObject({
        settledBy: 'lookup',
        orderRef: ref,
        status: 'Success',
      });
    });

    it('by a webhook that arrives before the next poll: no further poll is made', async () => {
      // Polls far apart: only the webhook can settle the call within the test.
      const c = client({ pollIntervalMs: 60_000, pollMaxIntervalMs: 60_000 });
      const events = recordEvents(c.engine);
      backend().script(CREATE, [{ pending: 5 }]);
      const ref = newRef();
      c.engine.on('poll', () => setTimeout(() => c.engine.settle(ref, 'Success'), 5));
      const res = await create(c, ref);
      expect(res.settlement).toMatchObject({
        settledBy: 'webhook',
        orderRef: ref,
        status: 'Success',
      });
      expect(events.of('lookup')).toHaveLength(0);
      expect(backend().requests(STATUS)).toBe(0);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('a webhook saying Failed ends the followed call as a decline', async () => {
      const c = client({ pollIntervalMs: 60_000, pollMaxIntervalMs: 60_000 });
      backend().script(CREATE, [{ pending: 5 }]);
      const ref = newRef();
      c.engine.on('poll', () => setTimeout(() => c.engine.settle(ref, 'Failed'), 5));
      const error = await failure(create(c, ref));
      expect(error).toBeInstanceOf(PortOneCardError);
      expect((error as PortOneCardError).orderRef).toBe(ref);
    });
  });

  describe(`${name}: money safety`, () => {
    it('a create that PortOne processed before the connection dropped is reconciled, not re-sent', async () => {
      const c = client();
      const events = recordEvents(c.engine);
      backend().script(CREATE, [{ reset: 'after' }]);
      const ref = newRef();
      const res = await create(c, ref);
      expect(res.data).toMatchObject({ content: { status: 'Success' } });
      expect(backend().requests(CREATE)).toBe(1);
      expect(backend().ledger.count(ref)).toBe(1);
      expect(events.of('reconcile')[0]).toMatchObject({
        found: true,
        action: 'follow',
        orderRef: ref,
      });
    });

    it('an ambiguous create without an order ref is never re-sent', async () => {
      backend().script(CREATE, [{ reset: 'after' }]);
      const error = await failure(create(client()));
      expect(error).toBeInstanceOf(PortOneNetworkError);
      expect((error as PortOneNetworkError).ambiguous).toBe(true);
      expect(backend().requests(CREATE)).toBe(1);
    });

    it('a refund PortOne made and then answered 5025 is looked up, never re-sent: one refund', async () => {
      const paid = backend().ledger.create(newRef(), { amount: 1000 });
      backend().script('POST /api/refund/*', [{ code: 5025, processed: true }]);
      const c = client();
      const res = await c.post(`${backend().baseUrl}/api/refund/${paid.orderRef}`, refundOf(400));
      expect(res.settlement).toMatchObject({ settledBy: 'lookup' });
      expect(backend().requests('POST /api/refund/*')).toBe(1);
      expect(backend().ledger.moves('refund', paid.orderRef)).toHaveLength(1);
    });

    it('a refund answered 5025 before anything moved is not re-sent, and says it was not made', async () => {
      const paid = backend().ledger.create(newRef(), { amount: 1000 });
      backend().script('POST /api/refund/*', [{ code: 5025 }]);
      const error = await failure(
        client().post(`${backend().baseUrl}/api/refund/${paid.orderRef}`, refundOf(400)),
      );
      expect(error).toBeInstanceOf(PortOneSystemError);
      expect((error as PortOneSystemError).ambiguous).toBe(false);
      expect(error.message).toContain('was not made');
      expect(backend().requests('POST /api/refund/*')).toBe(1);
      expect(backend().ledger.moves('refund', paid.orderRef)).toHaveLength(0);
    });

    it('a refund whose lookups all fail ends ambiguous, with the ref, never re-sent', async () => {
      const paid = backend().ledger.create(newRef(), { amount: 1000 });
      backend().script('POST /api/refund/*', [{ code: 5025, processed: true }]);
      backend().script('GET /api/refund/*', [
        { html: 502 },
        { html: 502 },
        { html: 502 },
        { html: 502 },
      ]);
      const error = await failure(
        client({ retries: 2 }).post(
          `${backend().baseUrl}/api/refund/${paid.orderRef}`,
          refundOf(400),
        ),
      );
      expect(isPortOneError(error) && error.ambiguous).toBe(true);
      expect((error as PortOneSystemError).orderRef).toBe(paid.orderRef);
      expect(backend().requests('POST /api/refund/*')).toBe(1);
      expect(backend().ledger.moves('refund', paid.orderRef)).toHaveLength(1);
    });

    it('a proxy 404 page on the lookup is not "not found": looked up again, never re-sent', async () => {
      backend().script(CREATE, [{ reset: 'after' }]);
      backend().script(STATUS, [{ html: 404 }]);
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.settlement).toMatchObject({ settledBy: 'lookup', status: 'Success' });
      expect(backend().requests(CREATE)).toBe(1);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('the last of four proxy 502s is looked up before the call gives up', async () => {
      // PortOne charged on the fourth attempt; its answer was lost behind the proxy.
      backend().script(CREATE, [{ html: 502 }, { html: 502 }, { reset: 'after' }]);
      backend().script(STATUS, [
        { code: 5001, http: 400 },
        { code: 5001, http: 400 },
        { code: 5001, http: 400 },
      ]);
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.settlement).toMatchObject({ settledBy: 'lookup', status: 'Success' });
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('a payment link is looked up at the link status, not the transaction status', async () => {
      backend().script('POST /api/paymentLink', [{ reset: 'after' }]);
      const ref = newRef();
      const c = client();
      const res = await c.post(`${backend().baseUrl}/api/paymentLink`, {
        merchant_order_id: ref,
        amount: 1000,
        currency: 'KRW',
      });
      expect(res.settlement).toMatchObject({ settledBy: 'lookup' });
      expect(backend().requests('POST /api/paymentLink')).toBe(1);
      expect(backend().requests(STATUS)).toBe(0);
    });

    it('a create reset before processing is looked up, then re-sent once', async () => {
      backend().script(CREATE, [{ reset: 'before' }]);
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.status).toBe(200);
      expect(backend().requests(CREATE)).toBe(2);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('a duplicate answer to the re-sent create is resolved by looking the original up', async () => {
      // The first lookup lags behind (says "not found") although the payment exists.
      backend().script(CREATE, [{ reset: 'after' }]);
      backend().script(STATUS, [{ code: 5001, http: 400 }]);
      const ref = newRef();
      const res = await create(client(), ref);
      expect(res.data).toMatchObject({ content: { status: 'Success' } });
      expect(backend().requests(CREATE)).toBe(2);
      expect(backend().ledger.count(ref)).toBe(1);
    });

    it('an expired token is renewed once and the request sent again, never looped', async () => {
      let issued = 0;
      const token = () => {
        issued++;
        const iat = Math.floor(Date.now() / 1000) + issued;
        const payload = btoa(
          JSON.stringify({ iss: 'PORTONE', sub: 'merchant-key', iat, exp: iat + 3600 }),
        );
        return `eyJhbGciOiJIUzI1NiJ9.${payload.replace(/=+$/, '')}.sig`;
      };
      backend().script(CREATE, [{ code: 4054 }]);
      const ref = newRef();
      const res = await create(client({}, { token }), ref);
      expect(res.status).toBe(200);
      expect(issued).toBe(2);
      expect(backend().requests(CREATE)).toBe(2);
      backend().script(CREATE, [{ code: 4054 }, { code: 4054 }, { code: 4054 }]);
      const error = await failure(create(client({}, { token }), newRef()));
      expect(error.name).toBe('PortOneAuthenticationError');
      expect(backend().requests(CREATE)).toBe(4);
    });

    it('a token provider that fails ends the call at once, nothing sent', async () => {
      const token = () => {
        throw new Error('vault unreachable');
      };
      const error = await failure(create(client({}, { token }), newRef()));
      expect(error.name).toBe('PortOneAuthenticationError');
      expect(backend().requests(CREATE)).toBe(0);
    });

    it('every rejection is a PortOneError', async () => {
      backend().script(CREATE, [{ html: 502 }, { html: 502 }, { html: 502 }, { html: 502 }]);
      const error = await failure(create(client(), newRef()));
      expect(isPortOneError(error)).toBe(true);
    });
  });

  if (real) {
    it(`${name}: 200 creates under mixed faults end with one payment per resolved order and no duplicates`, async () => {
      const random = seededRandom(2026);
      const faults: Step[] = [
        { code: 5024 },
        { reset: 'after' },
        { reset: 'before' },
        { html: 502 },
        { code: 8001 },
        { delayMs: 300 },
      ];
      const c = client({ attemptTimeoutMs: 150, retries: 4 });
      const outcomes = { resolved: [] as string[], failed: [] as string[] };
      for (let batch = 0; batch < 10; batch++) {
        const refsOfBatch = Array.from({ length: 20 }, () => newRef());
        const steps: Step[] = refsOfBatch.map(() =>
          random() < 0.4 ? (faults[Math.floor(random() * faults.length)] as Step) : {},
        );
        backend().script(CREATE, steps);
        // Sequential within a batch so each scripted step meets its own create.
        for (const ref of refsOfBatch) {
          try {
            await create(c, ref);
            outcomes.resolved.push(ref);
          } catch (error) {
            expect(isPortOneError(error)).toBe(true);
            outcomes.failed.push(ref);
          }
        }
      }
      expect(outcomes.resolved.length + outcomes.failed.length).toBe(200);
      expect(outcomes.resolved.length).toBeGreaterThan(150);
      for (const ref of outcomes.resolved) expect(backend().ledger.count(ref)).toBe(1);
      expect(backend().ledger.duplicates()).toEqual([]);
    }, 60_000);

    it(`${name}: a host that is not PortOne passes through untouched`, async () => {
      const other = await startSimulator({ validate: false });
      try {
        other.script(CREATE, [{ code: 5024 }]);
        const c = client();
        const events = recordEvents(c.engine);
        const error = await c
          .post(`${other.url}/api/initiatePayment`, { merchant_order_id: newRef() })
          .then(
            (res) => res,
            (e: unknown) => e,
          );
        expect(isPortOneError(error)).toBe(false);
        expect(other.requests(CREATE)).toBe(1);
        expect(events.log).toHaveLength(0);
      } finally {
        await other.close();
      }
    });
  }
}

/** Runs the contract for one adapter against the loopback simulator and against msw. */
export function runAdapterContract(name: string, makeClient: MakeClient): void {
  describe(`${name} over real sockets (simulator)`, () => {
    let sim: Simulator;
    // A fresh simulator per test: its ledger and request counts belong to that test alone.
    beforeEach(async () => {
      sim = await startSimulator({ validate: false });
    });
    afterEach(async () => {
      await sim.close();
    });
    contractCases(
      name,
      () => ({
        baseUrl: sim.url,
        ledger: sim.ledger,
        script: (route, steps) => sim.script(route, steps),
        requests: (route) => sim.requests(route),
      }),
      makeClient,
      true,
    );
  });

  describe(`${name} through msw`, () => {
    const mock = createPortOneMock({ baseUrl: 'https://api.portone.cloud', validate: false });
    const server = setupServer(...mock.handlers);
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterEach(() => {
      server.resetHandlers();
      mock.reset();
    });
    afterAll(() => server.close());
    contractCases(
      name,
      () => ({
        baseUrl: 'https://api.portone.cloud',
        ledger: mock.ledger,
        script: (route, steps) => mock.script(route, steps),
        requests: (route) => mock.requests(route),
      }),
      makeClient,
      false,
    );
  });
}
