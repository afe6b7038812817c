/**
 * Nothing secret reaches an error, an event or a log line. Secrets are generated with fast-check
 * (PortOne keys and secrets, JWTs, signature hashes, Luhn-valid card numbers, CVVs, OTPs), put
 * into requests, PortOne's answers and thrown transport errors, and looked for in everything the
 * SDK hands back: the error's message, `toJSON()`, `util.inspect`, its `cause`, and every event.
 */
import { inspect } from 'node:util';
import { withPortOne } from '@portone-retry/axios-adapter';
import {
  classify,
  createEngine,
  type Engine,
  type PolicyOptions,
  type PortOneError,
} from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, type Step, startSimulator } from '@portone-retry/testing';
import axios, { type AxiosAdapter, AxiosError } from 'axios';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortOneError } from '../../packages/core/src/errors/index.js';
import {
  credentials,
  envelopeWithSecrets,
  expectNoLeak,
  luhnCheckDigit,
  passesLuhn,
  type Secrets,
  secretsArb,
  secretText,
} from './secrets.js';
import {
  ADAPTERS,
  type AdapterName,
  type Client,
  makeClient,
  newRef,
  recordEvents,
  rejectionOf,
} from './support.js';

const POLICY: PolicyOptions = {
  retries: 1,
  minDelayMs: 1,
  maxDelayMs: 2,
  attemptTimeoutMs: 1000,
  pollIntervalMs: 5,
  pollMaxIntervalMs: 10,
};
const CREATE = 'POST /api/initiatePayment';
const NUM_RUNS = 50;

/** A create body as a checkout backend sends it, card details and signature included. */
const createBody = (s: Secrets, ref: string) => ({
  portone_key: s.key,
  portone_secret: s.secret,
  merchant_order_id: ref,
  amount: 1000,
  currency: 'KRW',
  signature_hash: s.signature,
  otp: s.otp,
  card_details: { card_number: s.card, cvv: s.cvv, expiry_month: '12', expiry_year: '2030' },
  token_params: { token: s.jwt },
});

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ validate: false });
});
afterAll(async () => {
  await sim.close();
});

const client = (adapter: AdapterName): Client => makeClient(adapter, sim.url, { policy: POLICY });

describe('secrets never reach errors or events', () => {
  it('the generator makes what it claims', () => {
    fc.assert(
      fc.property(secretsArb, (s) => {
        expect(passesLuhn(s.card)).toBe(true);
        expect(s.card).toMatch(/^\d{16}$/);
        expect(s.jwt.split('.')).toHaveLength(3);
        for (const part of s.jwt.split('.').slice(0, 2)) expect(part.startsWith('eyJ')).toBe(true);
        expect(Buffer.from(s.signature, 'base64')).toHaveLength(32);
      }),
      { numRuns: 100 },
    );
    // A known card: 4111 1111 1111 1111.
    expect(luhnCheckDigit('411111111111111')).toBe(1);
  });

  it('in request bodies and headers, through retries and reconciliation (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretsArb,
        fc.constantFrom<Step>({ code: 4001 }, { code: 6014 }, { code: 5024 }, { html: 502 }),
        async (s, last) => {
          for (const adapter of ADAPTERS) {
            // A create: a proxy 502, a lookup (not found), the re-send, then the final answer.
            const c = client(adapter);
            const events = recordEvents(c.engine);
            sim.script(CREATE, [{ html: 502 }, last]);
            const ref = newRef('SECRET');
            const error = await rejectionOf(
              c.post(`${sim.url}/api/initiatePayment`, createBody(s, ref), {
                headers: credentials(s),
              }),
            );
            events.stop();
            expect(events.of('reconcile').length).toBeGreaterThan(0);
            expectNoLeak(error, events, s);

            // A read with credentials: retried once, then failed.
            const r = client(adapter);
            const readEvents = recordEvents(r.engine);
            const readRef = newRef('SECRET');
            sim.script(`GET /api/transaction/${readRef}/status`, [{ html: 503 }, last]);
            const readError = await rejectionOf(
              r.get(`${sim.url}/api/transaction/${readRef}/status`, { headers: credentials(s) }),
            );
            readEvents.stop();
            expect(readEvents.of('retry')).toHaveLength(1);
            expectNoLeak(readError, readEvents, s);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('in PortOne’s answers: message, content, HTML pages and plain text (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretsArb,
        fc.constantFrom('4001', '6014', '5024', '8001'),
        async (s, code) => {
          for (const adapter of ADAPTERS) {
            const c = client(adapter);
            const events = recordEvents(c.engine);
            const ref = newRef('SECRET');
            sim.script(`GET /api/transaction/${ref}/status`, [
              {
                raw: {
                  status: 502,
                  body: `<html><body><pre>${secretText(s)}</pre></body></html>`,
                  contentType: 'text/html',
                },
              },
              { raw: { status: 500, body: secretText(s), contentType: 'text/plain' } },
            ]);
            // Out of retries after the text answer: the error carries it, redacted.
            const error = await rejectionOf(
              c.get(`${sim.url}/api/transaction/${ref}/status`, { headers: credentials(s) }),
            );
            events.stop();
            expectNoLeak(error, events, s);

            const created = client(adapter);
            const createEvents = recordEvents(created.engine);
            // A retryable code is answered twice: the first is reconciled and re-sent.
            const answer: Step = { raw: { status: 400, body: envelopeWithSecrets(s, code) } };
            const retryable = code === '5024' || code === '8001';
            sim.script(CREATE, retryable ? [answer, answer] : [answer]);
            const createError = await rejectionOf(
              created.post(`${sim.url}/api/initiatePayment`, createBody(s, newRef('SECRET')), {
                headers: credentials(s),
              }),
            );
            createEvents.stop();
            expect((createError as PortOneError).response?.data).toBeDefined();
            expectNoLeak(createError, createEvents, s);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('in the JWT the SDK signs from { key, secret } (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        for (const adapter of ADAPTERS) {
          const c = makeClient(adapter, sim.url, {
            policy: POLICY,
            token: { key: s.key, secret: s.secret },
          });
          const events = recordEvents(c.engine);
          sim.script(CREATE, [{ html: 502 }, { code: 4001 }]);
          const error = await rejectionOf(
            c.post(`${sim.url}/api/initiatePayment`, createBody(s, newRef('SECRET'))),
          );
          events.stop();
          expectNoLeak(error, events, s);
        }
      }),
      { numRuns: 20 },
    );
  });
});

/** The same create with the card, CVV and OTP sent as JSON numbers, at several depths. */
const numericCreateBody = (s: Secrets, ref: string) => ({
  merchant_order_id: ref,
  amount: 1000,
  currency: 'KRW',
  otp: Number(s.otp),
  card: { number: Number(s.card), cvv: Number(s.cvv) },
  payment: { methods: [[{ card_number: Number(s.card) }]], reference: Number(s.card) },
  extra: { notes: [{ digits: Number(s.card) }] },
});

/** PortOne's envelope echoing numeric secrets back in its content. */
const envelopeWithNumbers = (s: Secrets, code: string) => ({
  status_code: code,
  status_reason: 'INVALID_REQUEST_DATA',
  message: 'invalid request',
  content: {
    card: { number: Number(s.card), cvv: Number(s.cvv) },
    otp: Number(s.otp),
    echo: [[[Number(s.card)]]],
    big_reference: Number(s.card),
  },
});

describe('secrets sent as numbers', () => {
  it('never reach errors or events, in the request or in the answer (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, fc.constantFrom('4001', '6014', '5024'), async (s, code) => {
        for (const adapter of ADAPTERS) {
          const c = client(adapter);
          const events = recordEvents(c.engine);
          const answer: Step = { raw: { status: 400, body: envelopeWithNumbers(s, code) } };
          sim.script(CREATE, [{ html: 502 }, answer, answer]);
          const error = await rejectionOf(
            c.post(`${sim.url}/api/initiatePayment`, numericCreateBody(s, newRef('NUM')), {
              headers: credentials(s),
            }),
          );
          events.stop();
          expectNoLeak(error, events, s);
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});

describe('a token provider’s own failure', () => {
  // The merchant's backend fetches its PortOne token from its own endpoint with axios; that
  // call fails and its AxiosError (config.data holds portone_secret) becomes the cause.
  it('is kept as a redacted cause: no key, secret or JWT in error.cause (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        for (const adapter of ADAPTERS) {
          sim.script('POST /api/merchant/auth-token', [
            {
              raw: {
                status: 401,
                body: { message: `rejected portone_secret=${s.secret}`, key: s.key, token: s.jwt },
              },
            },
          ]);
          const token = async () => {
            const res = await axios.post(
              `${sim.url}/api/merchant/auth-token`,
              { portone_key: s.key, portone_secret: s.secret, otp: Number(s.otp) },
              { headers: { 'X-Portone-Client-Key': s.key, Authorization: `Bearer ${s.jwt}` } },
            );
            return res.data.token as string;
          };
          const c = makeClient(adapter, sim.url, { policy: POLICY, token });
          const events = recordEvents(c.engine);
          const error = await rejectionOf(
            c.post(`${sim.url}/api/initiatePayment`, createBody(s, newRef('TOKEN'))),
          );
          events.stop();
          expect((error as PortOneError).name).toBe('PortOneAuthenticationError');
          const cause = (error as PortOneError).cause as Record<string, unknown>;
          // Still useful: what failed, with which status, against which URL.
          expect(cause).toMatchObject({ name: 'AxiosError', response: { status: 401 } });
          expect(inspect(cause, { depth: 10 })).toContain('/api/merchant/auth-token');
          expectNoLeak(error, events, s);
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});

/** A value holding `secret` somewhere inside: as a string or a number, at any depth. */
const holding = <T>(secret: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      secret,
      fc.record({ data: tie('node'), amount: fc.integer() }),
      fc.tuple(fc.string(), tie('node')),
      tie('node').map((inner) => new Map([['inner', inner]])),
      tie('node').map((inner) => new Set([inner])),
      tie('node').map((inner) => ({ response: { data: inner }, config: { data: inner } })),
    ),
  })).node;

/** The secrets of `s` as the values a body or a thrown error may carry them in. */
const secretValues = (s: Secrets): fc.Arbitrary<unknown> =>
  fc.constantFrom<unknown>(
    { portone_secret: s.secret },
    { 'X-Portone-Client-Key': s.key },
    { signature_hash: s.signature },
    { token: s.jwt },
    `token ${s.jwt}`,
    s.jwt,
    s.card,
    s.cardSpaced,
    Number(s.card),
    BigInt(s.card),
    { card: { number: Number(s.card), cvv: Number(s.cvv) } },
    { cvv: Number(s.cvv), otp: Number(s.otp) },
    `cvv=${s.cvv} otp=${s.otp}`,
    secretText(s),
  );

describe('errors built through the public API', () => {
  it('redact secrets in any body or cause, at any depth, strings or numbers', () => {
    fc.assert(
      fc.property(
        secretsArb.chain((s) =>
          fc.record({
            s: fc.constant(s),
            body: holding(secretValues(s)),
            causeData: holding(secretValues(s)),
            message: fc.constantFrom(secretText(s), `declined ${s.card}`, 'plain'),
            wrapInError: fc.boolean(),
          }),
        ),
        fc.constantFrom('4001', '6014', '5024'),
        ({ s, body, causeData, message, wrapInError }, code) => {
          const thrown = Object.assign(new Error(message, { cause: new Error(secretText(s)) }), {
            config: { data: causeData, headers: credentials(s) },
            response: { status: 400, data: causeData },
          });
          const classification = classify({
            httpStatus: 400,
            body: { ...envelopeWithSecrets(s, code), body },
          });
          const error = createPortOneError(classification, {
            attempts: 1,
            cause: wrapInError ? thrown : causeData,
            url: `https://api.portone.cloud/api/merchant/${s.key}/payouts?key=${s.key}`,
          });
          const events = recordEvents(createEngine());
          expectNoLeak(error, events, s);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the merchant key in a URL path', () => {
  it('is masked in the url of every event and error (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        for (const adapter of ADAPTERS) {
          const c = client(adapter);
          const events = recordEvents(c.engine);
          const route = `POST /api/merchant/${s.key}/payouts`;
          sim.script(route, [
            { html: 503 },
            { raw: { status: 400, body: { status_code: '4001' } } },
          ]);
          const error = await rejectionOf(
            c.post(`${sim.url}/api/merchant/${s.key}/payouts`, {}, { headers: credentials(s) }),
          );
          events.stop();
          expect(events.of('retry')).toHaveLength(1);
          expectNoLeak(error, events, s);
        }
      }),
      { numRuns: 20 },
    );
  });

  // An answer that quotes the path back (a proxy's "Cannot POST /api/merchant/<key>/payouts",
  // PortOne's "no such route") must not carry the key into the error either.
  it('is masked where an answer quotes the path back (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        const path = `/api/merchant/${s.key}/payouts`;
        const answers: Step[] = [
          {
            raw: {
              status: 404,
              body: { status_code: '4001', message: `no such route: POST ${path}` },
            },
          },
          {
            raw: {
              status: 404,
              body: `<html><body><pre>Cannot POST ${path}</pre></body></html>`,
              contentType: 'text/html',
            },
          },
        ];
        for (const adapter of ADAPTERS) {
          for (const answer of answers) {
            const c = client(adapter);
            const events = recordEvents(c.engine);
            sim.script(`POST ${path}`, [answer]);
            const error = await rejectionOf(c.post(`${sim.url}${path}`, {}));
            events.stop();
            expectNoLeak(error, events, s);
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Thrown transport errors: the SDK keeps them as `cause`.

/** A bare error, or one carrying the request's config as transports' errors do. */
const FLAVOURS = ['plain', 'detailed'] as const;

/** An error as a transport might throw it, mentioning the request it failed on. */
function transportError(s: Secrets, withDetails: boolean): Error {
  const error = new Error(
    `connect ECONNRESET 127.0.0.1:443 while sending Authorization: Bearer ${s.jwt} with signature_hash=${s.signature}`,
  );
  Object.assign(error, { code: 'ECONNRESET' });
  if (withDetails) {
    Object.assign(error, {
      config: { headers: credentials(s), data: JSON.stringify({ cvv: s.cvv, otp: s.otp }) },
    });
  }
  return error;
}

function throwingClient(
  adapter: AdapterName,
  s: Secrets,
  flavour: (typeof FLAVOURS)[number],
): Client {
  if (adapter === 'fetch') {
    const portoneFetch = createPortOneFetch({
      baseUrl: sim.url,
      policy: POLICY,
      fetch: async () => {
        throw transportError(s, flavour === 'detailed');
      },
    });
    const engine: Engine = portoneFetch.portone;
    return {
      adapter,
      engine,
      get: async (url, extras) => {
        const res = await portoneFetch(url, { headers: { ...extras?.headers } });
        return { status: res.status, data: await res.text() };
      },
      post: async (url, body, extras) => {
        const res = await portoneFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...extras?.headers },
          body: JSON.stringify(body),
        });
        return { status: res.status, data: await res.text() };
      },
    };
  }
  // An axios transport that fails the way axios's own does: an AxiosError carrying the config
  // (whose headers hold the credentials), or a plain error from a custom adapter.
  const adapterFn: AxiosAdapter = async (config) => {
    if (flavour === 'detailed') {
      throw new AxiosError(`socket hang up; Authorization: Bearer ${s.jwt}`, 'ECONNRESET', config, {
        path: '/api',
        headers: credentials(s),
      });
    }
    throw transportError(s, true);
  };
  const instance = withPortOne(axios.create({ baseURL: sim.url, adapter: adapterFn }), {
    policy: POLICY,
  });
  return {
    adapter,
    engine: instance.portone,
    get: async (url, extras) => {
      const res = await instance.get(url, { headers: { ...extras?.headers } });
      return { status: res.status, data: res.data };
    },
    post: async (url, body, extras) => {
      const res = await instance.post(url, body, { headers: { ...extras?.headers } });
      return { status: res.status, data: res.data };
    },
  };
}

async function thrownCase(
  adapter: AdapterName,
  flavour: (typeof FLAVOURS)[number],
  s: Secrets,
  create: boolean,
) {
  const c = throwingClient(adapter, s, flavour);
  const events = recordEvents(c.engine);
  const error = await rejectionOf(
    create
      ? c.post(`${sim.url}/api/initiatePayment`, createBody(s, newRef('SECRET')), {
          headers: credentials(s),
        })
      : c.get(`${sim.url}/api/transaction/${newRef('SECRET')}/status`, {
          headers: credentials(s),
        }),
  );
  events.stop();
  return { error, events };
}

describe('secrets in thrown transport errors', () => {
  it('never reach the error’s message, toJSON(), inspect or any event (both adapters)', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretsArb,
        fc.constantFrom(...ADAPTERS),
        fc.constantFrom(...FLAVOURS),
        fc.boolean(),
        async (s, adapter, flavour, create) => {
          const { error, events } = await thrownCase(adapter, flavour, s, create);
          expect(events.of('retry').length + events.of('reconcile').length).toBeGreaterThan(0);
          expectNoLeak(error, events, s, 'error');
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  for (const adapter of ADAPTERS) {
    for (const flavour of FLAVOURS) {
      const label =
        flavour === 'plain'
          ? 'a plain error'
          : adapter === 'axios'
            ? 'an AxiosError with its config'
            : 'an error with the request config on it';
      it(`${adapter}: ${label} is redacted in error.cause too`, async () => {
        await fc.assert(
          fc.asyncProperty(secretsArb, fc.boolean(), async (s, create) => {
            const { error, events } = await thrownCase(adapter, flavour, s, create);
            expectNoLeak(error, events, s, 'cause');
          }),
          { numRuns: 10, endOnFailure: true },
        );
      });
    }
  }
});
