import { createPortOneMock, portoneHandlers } from '@portone-retry/testing';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerOf, create, nowSeconds, signedJwt, status } from './support.js';

const BASE = 'https://api.portone.cloud';
const CREATE = 'POST /api/initiatePayment';

const mock = createPortOneMock();
const server = setupServer(...mock.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  mock.reset();
});
afterAll(() => server.close());

describe('createPortOneMock', () => {
  it('creates a payment: 200, is_success, one ledger entry', async () => {
    const res = await create(BASE, 'ORDER-1', { amount: 700 });
    expect(res.status).toBe(200);
    const body = await answerOf(res);
    expect(body.is_success).toBe(true);
    expect(body.merchant_order_ref).toBe('ORDER-1');
    expect(mock.ledger.count('ORDER-1')).toBe(1);
    expect(mock.ledger.get('ORDER-1')?.amount).toBe(700);
    expect(mock.requests(CREATE)).toBe(1);
  });

  it('answers a repeated create with 400 / 4002', async () => {
    await create(BASE, 'ORDER-1');
    const res = await create(BASE, 'ORDER-1');
    expect(res.status).toBe(400);
    expect((await answerOf(res)).status_code).toBe('4002');
    expect(mock.ledger.count('ORDER-1')).toBe(1);
  });

  it('answers the status of a payment, and 5001 for an unknown one', async () => {
    await create(BASE, 'ORDER-1');
    const known = await answerOf(await status(BASE, 'ORDER-1'));
    expect(known.status_code).toBe('2000');
    expect(known.content?.status).toBe('Success');
    const unknown = await status(BASE, 'NOPE');
    expect(unknown.status).toBe(400);
    expect((await answerOf(unknown)).status_code).toBe('5001');
  });

  it('answers a scripted 5024 with 500 and the envelope', async () => {
    mock.script(CREATE, [{ code: 5024 }]);
    const res = await create(BASE, 'ORDER-1');
    expect(res.status).toBe(500);
    expect(await answerOf(res)).toMatchObject({
      status_code: '5024',
      status_reason: 'PSP_COMMUNICATION_ERROR',
    });
    expect(mock.ledger.count('ORDER-1')).toBe(0);
  });

  it("maps { reset: 'before' } to a network error, with nothing created", async () => {
    mock.script(CREATE, [{ reset: 'before' }]);
    await expect(create(BASE, 'ORDER-1')).rejects.toThrow(TypeError);
    expect(mock.ledger.count('ORDER-1')).toBe(0);
  });

  it("maps { reset: 'after' } to a network error, with the payment in the ledger", async () => {
    mock.script(CREATE, [{ reset: 'after' }]);
    await expect(create(BASE, 'ORDER-1')).rejects.toThrow(TypeError);
    expect(mock.ledger.count('ORDER-1')).toBe(1);
  });

  it('answers a proxy HTML 502 with Retry-After', async () => {
    mock.script(CREATE, [{ html: 502, retryAfter: 3 }]);
    const res = await create(BASE, 'ORDER-1');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.text()).toContain('<h1>502</h1>');
  });

  it('answers an empty body for { empty }', async () => {
    mock.script(CREATE, [{ empty: 200 }]);
    const res = await create(BASE, 'ORDER-1');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('reset() forgets payments, scripts and counts', async () => {
    await create(BASE, 'ORDER-1');
    mock.script(CREATE, [{ code: 5024 }]);
    mock.reset();
    expect(mock.ledger.count('ORDER-1')).toBe(0);
    expect(mock.requests()).toBe(0);
    expect((await create(BASE, 'ORDER-1')).status).toBe(200);
  });

  it('intercepts another base URL, path prefix included', async () => {
    const sandbox = createPortOneMock({ baseUrl: 'https://sandbox.example.test/v1/' });
    server.use(...sandbox.handlers);
    const res = await create('https://sandbox.example.test/v1', 'ORDER-9');
    expect(res.status).toBe(200);
    expect(sandbox.ledger.count('ORDER-9')).toBe(1);
    expect(sandbox.requests(CREATE)).toBe(1);
    expect(mock.requests()).toBe(0);
  });

  it('checks auth as the simulator does, secret included', async () => {
    const secured = createPortOneMock({
      baseUrl: 'https://secured.example.test',
      auth: { key: 'k', secret: 's' },
    });
    server.use(...secured.handlers);
    const url = 'https://secured.example.test';
    const claims = { sub: 'k', iat: nowSeconds(), exp: nowSeconds() + 60 };
    const noKey = await create(url, 'ORDER-1');
    expect([noKey.status, (await answerOf(noKey)).status_code]).toEqual([401, '4010']);
    const wrongSecret = await create(url, 'ORDER-1', {
      headers: { 'x-portone-client-key': 'k', authorization: `Bearer ${signedJwt(claims, 'x')}` },
    });
    expect([wrongSecret.status, (await answerOf(wrongSecret)).status_code]).toEqual([401, '4054']);
    const signed = await create(url, 'ORDER-1', {
      headers: { 'x-portone-client-key': 'k', authorization: `Bearer ${signedJwt(claims, 's')}` },
    });
    expect(signed.status).toBe(200);
    expect(secured.ledger.count('ORDER-1')).toBe(1);
  });

  it('fails an outage with { rate: 1, code: 5000 } and creates nothing', async () => {
    mock.setFaults({ rate: 1, code: 5000 });
    const codes: (string | undefined)[] = [];
    for (const ref of ['A', 'B', 'C'])
      codes.push((await answerOf(await create(BASE, ref))).status_code);
    expect(codes).toEqual(['5000', '5000', '5000']);
    expect(mock.requests(CREATE)).toBe(3);
    expect(mock.ledger.total()).toBe(0);
  });

  it('portoneHandlers() gives the handlers alone', () => {
    const handlers = portoneHandlers();
    expect(handlers).toHaveLength(1);
  });
});

describe('msw as an optional peer dependency', () => {
  it('is imported for types only, and loaded when a mock is made', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../src/', import.meta.url);
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file, readFileSync(new URL(file, dir), 'utf8')] as const);
    for (const [file, text] of sources) {
      const imports = text.match(/^import .* from 'msw(\/[^']*)?';$/gm) ?? [];
      for (const line of imports) expect(line, file).toMatch(/^import type /);
    }
  });
});
