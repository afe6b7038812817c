/**
 * Hostile answers and hostile request bodies through both adapters, generated with fast-check:
 * deep nesting, `__proto__` / `constructor` keys, strings of megabytes, lone surrogates and
 * invalid UTF-8, non-JSON content types, HTML pages, odd statuses and headers. Whatever comes
 * back, every call ends with a resolved response or a typed PortOneError, nothing rejects
 * unhandled, no secret reaches the error or an event, no prototype is polluted, and no timer
 * outlives its call.
 *
 * The answers come from a plain loopback server (127.0.0.1) that sends exactly the generated
 * bytes and headers, which the simulator's scripted steps cannot (raw bytes, any header).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPortOneError, type PolicyOptions } from '@portone-retry/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, expectNoLeak, type Secrets, secretsArb, secretText } from './secrets.js';
import { ADAPTERS, makeClient, newRef, recordEvents } from './support.js';

const POLICY: PolicyOptions = {
  retries: 1,
  minDelayMs: 1,
  maxDelayMs: 2,
  maxRetryAfterMs: 20,
  attemptTimeoutMs: 2000,
  deadlineMs: 4000,
  pollIntervalMs: 5,
  pollMaxIntervalMs: 10,
  pollDeadlineMs: 100,
};

/** One generated answer, sent as it is to every request of a call. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

let answer: Answer = { status: 500, headers: {}, body: Buffer.alloc(0) };
let server: Server;
let baseUrl: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const nested = (depth: number, leaf: string, kind: 'array' | 'object'): string =>
  kind === 'array'
    ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

/** A body of each hostile kind, with the secrets planted where a careless server would echo them. */
const bodyArb = (s: Secrets): fc.Arbitrary<{ contentType: string; body: Buffer | string }> => {
  const json = (text: string) => ({ contentType: 'application/json', body: text });
  const planted = JSON.stringify(secretText(s));
  return fc.oneof(
    // Deep nesting, in the envelope's content or as the whole body.
    fc
      .record({
        depth: fc.integer({ min: 1, max: 5000 }),
        kind: fc.constantFrom<'array' | 'object'>('array', 'object'),
        whole: fc.boolean(),
      })
      .map(({ depth, kind, whole }) =>
        json(
          whole
            ? nested(depth, planted, kind)
            : `{"status_code":"4001","message":${planted},"content":${nested(depth, planted, kind)}}`,
        ),
      ),
    // Keys that would pollute a prototype if copied with plain assignment.
    fc
      .constantFrom('2000', '4001', '5024', '6014')
      .map((code) =>
        json(
          `{"__proto__":{"status_code":"2000","is_success":true,"polluted":true,"portone_secret":"${s.secret}"},` +
            `"constructor":{"prototype":{"polluted":true}},"status_code":"${code}","message":${planted}}`,
        ),
      ),
    // Megabytes of text, with secrets at the start, in the middle and at the end.
    fc
      .record({
        size: fc.integer({ min: 70_000, max: 2_000_000 }),
        code: fc.constantFrom('4001', '5024'),
      })
      .map(({ size, code }) => {
        const filler = 'x'.repeat(size / 2);
        return json(
          `{"status_code":"${code}","message":${JSON.stringify(`${secretText(s)} ${filler} ${secretText(s)} ${filler} ${secretText(s)}`)}}`,
        );
      }),
    // Lone surrogates (valid JSON, invalid UTF-16) and bytes that are not UTF-8 at all.
    fc.constant(json(`{"status_code":"4001","message":"\\ud800 card ${s.card} \\udc00 \\udfff"}`)),
    fc.constant({
      contentType: 'application/json',
      body: Buffer.concat([
        Buffer.from(`{"status_code":"6014","message":"`),
        Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xc0, 0x80]),
        Buffer.from(` ${secretText(s)}"}`),
      ]),
    }),
    // Secrets as numbers, and numbers JSON can spell but a double cannot hold.
    fc.constant(
      json(
        `{"status_code":"6014","content":{"card":{"number":${s.card},"cvv":${Number(s.cvv)}},"otp":${Number(s.otp)},"amount":1e400,"id":${s.card}0000}}`,
      ),
    ),
    // Not JSON, whatever the content type says.
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'application/json',
        'application/json; charset=utf-16',
        '',
      )
      .map((contentType) => ({
        contentType,
        body: `{"status_code": "4001", "message": ${planted}, <broken> ${secretText(s)}`,
      })),
    fc.constant({
      contentType: 'text/html',
      body: `<!doctype html><html><body><h1>502</h1><pre>${secretText(s)}</pre></body></html>`,
    }),
    fc.constant({ contentType: 'application/json', body: '' }),
  );
};

/** Header values Node will send (tab, printable ASCII, Latin-1), some of them secret. */
const headersArb = (s: Secrets): fc.Arbitrary<Record<string, string>> =>
  fc.record(
    {
      'retry-after': fc.constantFrom('0', '1', '-1', '99999999999', 'soon', 'Wed, 99 Foo 9999'),
      'x-request-id': fc.string({
        // Node refuses control characters and DEL in a header value.
        unit: fc
          .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
          .map((c) => String.fromCharCode(c)),
        maxLength: 200,
      }),
      'set-cookie': fc.constant(`sid=${s.secret}; HttpOnly`),
      'www-authenticate': fc.constant(`Bearer realm="portone", token="${s.jwt}"`),
      'x-portone-client-key': fc.constant(s.key),
    },
    { requiredKeys: [] },
  );

/** A create body as hostile as the answers: deep, with prototype keys, huge and ill-formed text. */
const requestBodyArb = (s: Secrets): fc.Arbitrary<unknown> =>
  fc
    .record({
      depth: fc.integer({ min: 0, max: 1000 }),
      hugeText: fc.integer({ min: 0, max: 300_000 }),
      loneSurrogate: fc.boolean(),
    })
    .map(({ depth, hugeText, loneSurrogate }) => {
      let deep: unknown = { card_number: Number(s.card), note: secretText(s) };
      for (let i = 0; i < depth; i++) deep = { deep };
      return {
        ...JSON.parse(
          `{"__proto__":{"portone_secret":"${s.secret}"},"constructor":{"prototype":{"polluted":true}}}`,
        ),
        merchant_order_id: newRef('HOSTILE'),
        amount: 1000,
        portone_key: s.key,
        portone_secret: s.secret,
        card: { number: Number(s.card), cvv: Number(s.cvv) },
        otp: Number(s.otp),
        remarks: `${'r'.repeat(hugeText)} ${secretText(s)}${loneSurrogate ? ' \ud800' : ''}`,
        deep,
      };
    });

const caseArb = secretsArb.chain((s) =>
  fc.record({
    s: fc.constant(s),
    status: fc.constantFrom(200, 400, 401, 404, 429, 500, 502, 503),
    body: bodyArb(s),
    headers: headersArb(s),
    create: fc.boolean(),
    requestBody: requestBodyArb(s),
  }),
);

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

/** Lets pending rejections surface as `unhandledRejection` before the check. */
const drain = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('hostile answers and bodies through both adapters', () => {
  it('every call ends typed, nothing rejects unhandled, no secret leaks, nothing is polluted or left open', async () => {
    const timersBefore = timers();
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ s, status, body, headers, create, requestBody }) => {
        answer = {
          status,
          headers:
            body.contentType === '' ? headers : { ...headers, 'content-type': body.contentType },
          body: Buffer.isBuffer(body.body) ? body.body : Buffer.from(body.body),
        };
        for (const adapter of ADAPTERS) {
          const c = makeClient(adapter, baseUrl, { policy: POLICY });
          const events = recordEvents(c.engine);
          const call = create
            ? c.post(`${baseUrl}/api/initiatePayment`, requestBody, { headers: credentials(s) })
            : c.get(`${baseUrl}/api/transaction/${newRef('HOSTILE')}/status`, {
                headers: credentials(s),
              });
          const outcome = await call.then(
            () => ({ resolved: true as const }),
            (error: unknown) => ({ resolved: false as const, error }),
          );
          events.stop();
          if (!outcome.resolved) {
            expect(isPortOneError(outcome.error), `${adapter}: ${String(outcome.error)}`).toBe(
              true,
            );
            expectNoLeak(outcome.error, events, s);
          }
          await drain();
          expect(unhandled).toEqual([]);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('status_code');
      }),
      { numRuns: 60 },
    );
    // No timer of a finished call is left behind (pooled keep-alive sockets are the clients').
    await drain();
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  }, 180_000);
});
