/**
 * Nothing secret reaches an error, an event or a log line. Secrets are generated with fast-check
 * (PortOne keys and secrets, JWTs, signature hashes, Luhn-valid card numbers, CVVs, OTPs), put
 * into requests, PortOne's answers and thrown transport errors, and looked for in everything the
 * SDK hands back: the error's message, `toJSON()`, `util.inspect`, its `cause`, and every event.
 */
import { inspect } from 'node:util';
import { withPortOne } from '@portone-retry/axios-adapter';
import {
  type Engine,
  isPortOneError,
  type PolicyOptions,
  type PortOneError,
} from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, type Step, startSimulator } from '@portone-retry/testing';
import axios, { type AxiosAdapter, AxiosError } from 'axios';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface Secrets {
  readonly key: string;
  readonly secret: string;
  readonly jwt: string;
  readonly signature: string;
  /** 16 digits, Luhn-valid. */
  readonly card: string;
  /** The same card as a customer types it: groups of four. */
  readonly cardSpaced: string;
  readonly cvv: string;
  readonly otp: string;
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');

function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Counting from the right of the full number, the check digit is position 1: double the odd.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const secretsArb: fc.Arbitrary<Secrets> = fc
  .record({
    key: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{15}$/),
    secret: fc.stringMatching(/^[0-9a-f]{64}$/),
    iat: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
    jwtSignature: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    signatureBytes: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    cardBody: fc.stringMatching(/^[3-6]\d{14}$/),
    cvv: fc.stringMatching(/^\d{3,4}$/),
    otp: fc.stringMatching(/^\d{6}$/),
  })
  .map((g) => {
    const card = `${g.cardBody}${luhnCheckDigit(g.cardBody)}`;
    const jwt = [
      base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
      base64url(JSON.stringify({ iss: 'PORTONE', sub: g.key, iat: g.iat, exp: g.iat + 21_600 })),
      g.jwtSignature,
    ].join('.');
    return {
      key: g.key,
      secret: g.secret,
      jwt,
      signature: Buffer.from(g.signatureBytes).toString('base64'),
      card,
      cardSpaced: card.replace(/(\d{4})(?=\d)/g, '$1 '),
      cvv: g.cvv,
      otp: g.otp,
    };
  });

function passesLuhn(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

/** The secrets (by name) that appear in `haystack`. */
function leaksIn(haystack: string, s: Secrets): string[] {
  const found: string[] = [];
  const plain: [string, string][] = [
    ['key', s.key],
    ['secret', s.secret],
    ['jwt', s.jwt],
    ['signature_hash', s.signature],
    ['card', s.card],
    ['card (spaced)', s.cardSpaced],
  ];
  for (const [name, value] of plain) if (haystack.includes(value)) found.push(name);
  // Three to six digits turn up by chance (ports, ids, timings): look for them by their label.
  if (new RegExp(`(cvv|cvc)\\W{0,6}${s.cvv}(?!\\d)`, 'i').test(haystack)) found.push('cvv');
  if (new RegExp(`otp\\W{0,6}${s.otp}(?!\\d)`, 'i').test(haystack)) found.push('otp');
  if (/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(haystack)) found.push('a JWT-shaped string');
  return found;
}

/** Everything the SDK hands back about one failed call, as text. */
function surfaces(error: unknown, events: ReturnType<typeof recordEvents>): Record<string, string> {
  const e = error as PortOneError;
  const out: Record<string, string> = {
    message: e.message,
    stack: e.stack ?? '',
    'JSON.stringify(error)': JSON.stringify(e),
    'toJSON()': JSON.stringify(e.toJSON()),
    'inspect(error)': inspect(e, { depth: 10 }),
    'inspect(error.cause)': inspect(e.cause, { depth: 10 }),
    'String(error.cause)': String(e.cause),
  };
  events.log.forEach((entry, i) => {
    out[`event ${i} (${entry.event})`] = JSON.stringify(entry.payload);
  });
  return out;
}

/** Which surfaces to search: all of them, all but the raw `cause`, or the `cause` alone. */
type Scope = 'all' | 'error' | 'cause';

function expectNoLeak(
  error: unknown,
  events: ReturnType<typeof recordEvents>,
  s: Secrets,
  scope: Scope = 'all',
): void {
  expect(isPortOneError(error), String(error)).toBe(true);
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(surfaces(error, events))) {
    const ofCause = where.includes('error.cause');
    if ((scope === 'error' && ofCause) || (scope === 'cause' && !ofCause)) continue;
    for (const name of leaksIn(text, s)) leaks.push(`${name} in ${where}`);
  }
  expect(leaks).toEqual([]);
}

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

const credentials = (s: Secrets) => ({
  Authorization: `Bearer ${s.jwt}`,
  'X-Portone-Client-Key': s.key,
});

/** Free text mentioning the secrets the way logs, PSPs and proxies write them. */
const secretText = (s: Secrets) =>
  [
    `Authorization: Bearer ${s.jwt}`,
    `token ${s.jwt} rejected`,
    `signature_hash=${s.signature}`,
    `{"signature_hash":"${s.signature}"}`,
    `card ${s.card} declined`,
    `card ${s.cardSpaced} declined`,
    `cvv=${s.cvv}`,
    `"cvv": "${s.cvv}"`,
    `otp: ${s.otp}`,
    `key=${s.key}&secret=${s.secret}`,
    `X-Portone-Client-Key: ${s.key}`,
    // PortOne's own field names, as its docs and answers spell them.
    `portone_key=${s.key}`,
    `portone_secret: ${s.secret}`,
    `{"secretKey":"${s.secret}"}`,
  ].join('; ');

/** PortOne's envelope with the secrets in its message and its content. */
const envelopeWithSecrets = (s: Secrets, code: string) => ({
  status_code: code,
  status_reason: 'INVALID_REQUEST_DATA',
  message: `invalid request: ${secretText(s)}`,
  content: {
    portone_key: s.key,
    portone_secret: s.secret,
    secretKey: s.secret,
    signature_hash: s.signature,
    token: s.jwt,
    card_number: s.card,
    cvv: s.cvv,
    otp: s.otp,
    echo: secretText(s),
  },
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
