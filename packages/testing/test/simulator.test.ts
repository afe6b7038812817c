import {
  paymentRequest,
  type Simulator,
  type StartSimulatorOptions,
  startSimulator,
} from '@portone-retry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerOf, create, jwt, nowSeconds, signedJwt, status } from './support.js';

const CREATE = 'POST /api/initiatePayment';

/** Simulators a test started itself; closed after each test. */
const extra: Simulator[] = [];
const start = async (options: StartSimulatorOptions = {}) => {
  const started = await startSimulator(options);
  extra.push(started);
  return started;
};

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await Promise.all([sim.close(), ...extra.splice(0).map((s) => s.close())]);
});

describe('startSimulator', () => {
  it('listens on 127.0.0.1 on an ephemeral port', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
  });

  it('refuses a host option with a TypeError', async () => {
    const options = { host: '0.0.0.0' } as unknown as StartSimulatorOptions;
    await expect(startSimulator(options)).rejects.toThrow(TypeError);
    await expect(startSimulator(options)).rejects.toThrow(/127\.0\.0\.1/);
  });

  it('keeps idle connections for keepAliveMs, and says so in Keep-Alive', async () => {
    const { url } = await start({ keepAliveMs: 600_000 });
    const res = await fetch(`${url}/api/transaction/NONE/status`);
    await res.text();
    expect(res.headers.get('keep-alive')).toBe('timeout=600');
    const defaults = await fetch(`${sim.url}/api/transaction/NONE/status`);
    await defaults.text();
    expect(defaults.headers.get('keep-alive')).toBe('timeout=5');
  });

  it('refuses a keepAliveMs that is not a positive whole number', async () => {
    await expect(startSimulator({ keepAliveMs: 0 })).rejects.toThrow('keepAliveMs');
    await expect(startSimulator({ keepAliveMs: 1.5 })).rejects.toThrow(TypeError);
  });
});

describe('creates and status', () => {
  it('creates a payment: 200, is_success, one ledger entry', async () => {
    const res = await create(sim.url, 'ORDER-1', { amount: 5000 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await answerOf(res);
    expect(body.is_success).toBe(true);
    expect(body.status_code).toBeUndefined();
    expect(body.merchant_order_ref).toBe('ORDER-1');
    expect(body.order_ref).toMatch(/^PO\d{8}$/);
    expect(sim.ledger.count('ORDER-1')).toBe(1);
    expect(sim.ledger.get('ORDER-1')).toMatchObject({ amount: 5000, status: 'Success' });
  });

  it('answers a repeated create with 400 / 4002 and creates nothing more', async () => {
    await create(sim.url, 'ORDER-1');
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(400);
    const body = await answerOf(res);
    expect(body.status_code).toBe('4002');
    expect(body.status_reason).toBe('DUPLICATE_TRANSACTION_ERROR');
    expect(sim.ledger.count('ORDER-1')).toBe(1);
    expect(sim.ledger.duplicates()).toEqual([]);
  });

  it("answers 401 / 4001 to a create without an order ref, as PortOne's example", async () => {
    const { merchant_order_id: _ref, ...body } = paymentRequest('unused');
    const res = await fetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(401);
    const answer = await answerOf(res);
    expect(answer).toEqual({
      is_success: false,
      message: 'merchant_order_id is a required field',
      status_code: '4001',
      status_reason: 'INVALID_PAYMENT_REQUEST',
    });
    expect(sim.ledger.total()).toBe(0);
  });

  it('answers the status of a created payment by merchant order ref only, as the spec says', async () => {
    const created = await answerOf(await create(sim.url, 'ORDER-1'));
    const res = await status(sim.url, 'ORDER-1');
    expect(res.status).toBe(200);
    const body = await answerOf(res);
    expect(body.status_code).toBe('2000');
    expect(body.content?.status).toBe('Success');
    expect(body.content?.order_ref).toBe(created.order_ref);
    // PortOne's own order_ref is not a merchant order ref: not found.
    const byOrderRef = await status(sim.url, created.order_ref ?? '');
    expect(byOrderRef.status).toBe(400);
    expect((await answerOf(byOrderRef)).status_code).toBe('5001');
  });

  it('answers 400 / 5001 for an unknown ref', async () => {
    const res = await status(sim.url, 'NOPE');
    expect(res.status).toBe(400);
    expect((await answerOf(res)).status_code).toBe('5001');
  });

  it('keeps a pending payment Pending for the scripted polls, then settles to Success', async () => {
    sim.script(CREATE, [{ pending: 2 }]);
    const created = await answerOf(await create(sim.url, 'ORDER-P'));
    expect(created.status_code).toBe('1000');
    expect(created.content?.status).toBe('Pending');
    expect(sim.ledger.count('ORDER-P')).toBe(1);
    const seen: (string | undefined)[] = [];
    for (let poll = 0; poll < 4; poll++) {
      seen.push((await answerOf(await status(sim.url, 'ORDER-P'))).content?.status);
    }
    expect(seen).toEqual(['Pending', 'Pending', 'Success', 'Success']);
  });

  it('settles a pending payment to the scripted status', async () => {
    sim.script(CREATE, [{ pending: 2, settle: 'Failed' }]);
    await create(sim.url, 'ORDER-F');
    const seen: (string | undefined)[] = [];
    for (let poll = 0; poll < 3; poll++) {
      seen.push((await answerOf(await status(sim.url, 'ORDER-F'))).content?.status);
    }
    expect(seen).toEqual(['Pending', 'Pending', 'Failed']);
    expect(sim.ledger.get('ORDER-F')?.status).toBe('Failed');
  });

  it('lets a repeated create make a second payment when dedupe is false', async () => {
    const blind = await start({ dedupe: false });
    expect((await create(blind.url, 'ORDER-1')).status).toBe(200);
    expect((await create(blind.url, 'ORDER-1')).status).toBe(200);
    expect(blind.ledger.count('ORDER-1')).toBe(2);
    expect(blind.ledger.duplicates()).toEqual(['ORDER-1']);
  });
});

describe('scripted steps', () => {
  it('{ code: 5024 } answers 500 with the envelope and creates nothing', async () => {
    sim.script(CREATE, [{ code: 5024 }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(500);
    expect(await answerOf(res)).toMatchObject({
      status_code: '5024',
      status_reason: 'PSP_COMMUNICATION_ERROR',
      message: 'psp communication error',
    });
    expect(sim.ledger.count('ORDER-1')).toBe(0);
    // The step is used up: the next create goes through.
    expect((await create(sim.url, 'ORDER-1')).status).toBe(200);
    expect(sim.ledger.count('ORDER-1')).toBe(1);
  });

  it('{ code: 6014 } answers 400 with the card decline', async () => {
    sim.script(CREATE, [{ code: 6014 }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(400);
    expect(await answerOf(res)).toMatchObject({
      status_code: '6014',
      status_reason: 'INVALID_CARD_DECLINED_ERROR',
    });
    expect(sim.ledger.count('ORDER-1')).toBe(0);
  });

  it('{ code, http } overrides the HTTP status', async () => {
    sim.script(CREATE, [{ code: 5024, http: 503 }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(503);
    expect((await answerOf(res)).status_code).toBe('5024');
  });

  it('{ html: 502, retryAfter: 3 } answers a proxy page with Retry-After', async () => {
    sim.script(CREATE, [{ html: 502, retryAfter: 3 }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.text()).toContain('<h1>502</h1>');
    expect(sim.ledger.count('ORDER-1')).toBe(0);
  });

  it('{ empty: 200 } answers an empty body', async () => {
    sim.script(CREATE, [{ empty: 200 }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('0');
    expect(await res.text()).toBe('');
  });

  it('{ raw } answers exactly the given status, body and content type', async () => {
    sim.script(CREATE, [
      { raw: { status: 202, body: { status_code: 4000, status_message: 'odd' } } },
      { raw: { status: 418, body: 'teapot', contentType: 'text/plain' } },
    ]);
    const first = await create(sim.url, 'ORDER-1');
    expect(first.status).toBe(202);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(await first.json()).toEqual({ status_code: 4000, status_message: 'odd' });
    const second = await create(sim.url, 'ORDER-2');
    expect(second.status).toBe(418);
    expect(second.headers.get('content-type')).toBe('text/plain');
    expect(await second.text()).toBe('teapot');
  });

  it('{ status, body, contentType } is the flat form of { raw }', async () => {
    sim.script(CREATE, [
      { status: 503, body: 'Service Unavailable', contentType: 'text/plain', retryAfter: 2 },
      { status: 200, body: { is_success: 'false' } },
    ]);
    const first = await create(sim.url, 'ORDER-1');
    expect(first.status).toBe(503);
    expect(first.headers.get('content-type')).toBe('text/plain');
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await first.text()).toBe('Service Unavailable');
    const second = await create(sim.url, 'ORDER-2');
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ is_success: 'false' });
    expect(sim.ledger.total()).toBe(0);
  });

  it('{ delayMs: 50 } answers later, and still creates the payment', async () => {
    sim.script(CREATE, [{ delayMs: 50 }]);
    const started = performance.now();
    const res = await create(sim.url, 'ORDER-1');
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(40);
    expect(sim.ledger.count('ORDER-1')).toBe(1);
  });

  it('{ slowBodyMs: 200 } sends the headers first and the body later', async () => {
    sim.script(CREATE, [{ slowBodyMs: 200 }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(200);
    const started = performance.now();
    const body = (await res.json()) as { is_success?: boolean };
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect(body.is_success).toBe(true);
  });

  it("{ reset: 'before' } drops the connection and creates nothing", async () => {
    sim.script(CREATE, [{ reset: 'before' }]);
    await expect(create(sim.url, 'ORDER-1')).rejects.toThrow(TypeError);
    expect(sim.ledger.count('ORDER-1')).toBe(0);
    expect(sim.requests(CREATE)).toBe(1);
  });

  it("{ reset: 'after' } drops the connection after creating the payment (the ambiguous case)", async () => {
    sim.script(CREATE, [{ reset: 'after' }]);
    await expect(create(sim.url, 'ORDER-1')).rejects.toThrow(TypeError);
    expect(sim.ledger.count('ORDER-1')).toBe(1);
    // A blind re-send is refused as a duplicate; the status lookup finds the payment.
    expect((await answerOf(await create(sim.url, 'ORDER-1'))).status_code).toBe('4002');
    expect((await answerOf(await status(sim.url, 'ORDER-1'))).content?.status).toBe('Success');
  });

  it('{ truncated: true } sends half a body: reading it fails', async () => {
    sim.script(CREATE, [{ truncated: true }]);
    const res = await create(sim.url, 'ORDER-1');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(sim.ledger.count('ORDER-1')).toBe(1);
  });

  it('matches a `*` segment and a path without a method', async () => {
    await create(sim.url, 'ORDER-1');
    sim.script('/api/transaction/*/status', [{ code: 5024 }]);
    expect((await status(sim.url, 'ORDER-1')).status).toBe(500);
    expect((await status(sim.url, 'ORDER-1')).status).toBe(200);
  });

  it('rejects a route that is not a string', () => {
    expect(() => sim.script('  ', [{ code: 5024 }])).toThrow(TypeError);
  });
});

describe('seeded faults', () => {
  const faults = { rate: 0.3, code: 5024, seed: 7 } as const;
  const run = async (target: Simulator, n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await create(target.url, `ORDER-${i}`);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  };

  it('repeat for the same seed and fail at roughly the given rate', async () => {
    const [a, b] = await Promise.all([start({ faults }), start({ faults })]);
    if (a === undefined || b === undefined) throw new Error('no simulator');
    const first = await run(a, 50);
    const second = await run(b, 50);
    expect(second).toEqual(first);
    const failed = first.filter((s) => s === 500).length;
    expect(first.filter((s) => s !== 500 && s !== 200)).toEqual([]);
    expect(failed).toBeGreaterThanOrEqual(0.15 * 50);
    expect(failed).toBeLessThanOrEqual(0.45 * 50);
    expect(a.ledger.total()).toBe(50 - failed);
  });

  it('answer the fault code in the envelope', async () => {
    const faulty = await start({ faults: { rate: 1, code: 5024 } });
    const res = await create(faulty.url, 'ORDER-1');
    expect(res.status).toBe(500);
    expect((await answerOf(res)).status_code).toBe('5024');
    // Only creates fail by default.
    expect((await status(faulty.url, 'ORDER-1')).status).toBe(400);
  });

  it('stop with setFaults(undefined)', async () => {
    const faulty = await start({ faults: { rate: 1, code: 5024 } });
    expect(await run(faulty, 3)).toEqual([500, 500, 500]);
    faulty.setFaults(undefined);
    expect(await run(faulty, 10)).toEqual(Array(10).fill(200));
  });

  it('fail only the given route', async () => {
    const faulty = await start({
      faults: { rate: 1, code: 5024, route: 'GET /api/transaction/*/status' },
    });
    expect((await create(faulty.url, 'ORDER-1')).status).toBe(200);
    const res = await status(faulty.url, 'ORDER-1');
    expect(res.status).toBe(500);
    expect((await answerOf(res)).status_code).toBe('5024');
  });

  it("'reset-after' creates the payment, then drops the connection", async () => {
    const faulty = await start({ faults: { rate: 1, code: 'reset-after' } });
    await expect(create(faulty.url, 'ORDER-1')).rejects.toThrow(TypeError);
    expect(faulty.ledger.count('ORDER-1')).toBe(1);
  });

  it('refuse a rate outside 0 to 1', () => {
    expect(() => sim.setFaults({ rate: 2, code: 5024 })).toThrow(TypeError);
  });
});

describe('requests()', () => {
  it('counts what the server saw, per route and in all', async () => {
    expect(sim.requests()).toBe(0);
    await create(sim.url, 'ORDER-1');
    await create(sim.url, 'ORDER-1');
    await status(sim.url, 'ORDER-1');
    expect(sim.requests(CREATE)).toBe(2);
    expect(sim.requests('GET /api/transaction/ORDER-1/status')).toBe(1);
    expect(sim.requests('GET /api/nothing')).toBe(0);
    expect(sim.requests()).toBe(3);
  });
});

describe('auth', () => {
  const key = 'k';
  const token = (payload: Record<string, unknown>) => ({
    'x-portone-client-key': key,
    authorization: `Bearer ${jwt(payload)}`,
  });
  const fresh = (iat = nowSeconds()) => ({ sub: key, iat, exp: iat + 3600 });

  it('refuses a request without the client key with 401 / 4010', async () => {
    const secured = await start({ auth: { key } });
    const res = await create(secured.url, 'ORDER-1');
    expect(res.status).toBe(401);
    expect((await answerOf(res)).status_code).toBe('4010');
    expect(secured.ledger.count('ORDER-1')).toBe(0);
  });

  it('refuses a key without a token, or a token for another key, with 401 / 4054', async () => {
    const secured = await start({ auth: { key } });
    const noToken = await create(secured.url, 'ORDER-1', {
      headers: { 'x-portone-client-key': key },
    });
    expect(noToken.status).toBe(401);
    expect((await answerOf(noToken)).status_code).toBe('4054');
    const otherSub = await create(secured.url, 'ORDER-1', {
      headers: token({ ...fresh(), sub: 'other' }),
    });
    expect((await answerOf(otherSub)).status_code).toBe('4054');
    const expired = await create(secured.url, 'ORDER-1', {
      headers: token({ sub: key, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }),
    });
    expect((await answerOf(expired)).status_code).toBe('4054');
    expect(secured.ledger.count('ORDER-1')).toBe(0);
  });

  it('accepts the key with a bearer JWT whose sub is the key', async () => {
    const secured = await start({ auth: { key } });
    const res = await create(secured.url, 'ORDER-1', { headers: token(fresh()) });
    expect(res.status).toBe(200);
    expect((await answerOf(res)).is_success).toBe(true);
    expect(secured.ledger.count('ORDER-1')).toBe(1);
  });

  it('after expireTokens() refuses earlier tokens with 4054 and accepts a later one', async () => {
    const secured = await start({ auth: { key } });
    const old = token(fresh());
    expect((await status(secured.url, 'NOPE', old)).status).toBe(400);
    secured.expireTokens();
    const refused = await create(secured.url, 'ORDER-1', { headers: old });
    expect(refused.status).toBe(401);
    expect((await answerOf(refused)).status_code).toBe('4054');
    const renewed = await create(secured.url, 'ORDER-1', {
      headers: token(fresh(nowSeconds() + 1)),
    });
    expect(renewed.status).toBe(200);
    expect(secured.ledger.count('ORDER-1')).toBe(1);
  });
});

describe('auth with a secret', () => {
  const key = 'merchant-key';
  const secret = 'merchant-secret-0123456789';
  const headers = (bearer: string) => ({
    'x-portone-client-key': key,
    authorization: `Bearer ${bearer}`,
  });
  const claims = () => ({ iss: 'PORTONE', sub: key, iat: nowSeconds(), exp: nowSeconds() + 3600 });

  it('accepts a JWT signed with the secret', async () => {
    const secured = await start({ auth: { key, secret } });
    const res = await create(secured.url, 'ORDER-1', {
      headers: headers(signedJwt(claims(), secret)),
    });
    expect(res.status).toBe(200);
    expect(secured.ledger.count('ORDER-1')).toBe(1);
  });

  it('refuses an unsigned JWT, or one signed with another secret, with 401 / 4054', async () => {
    const secured = await start({ auth: { key, secret } });
    for (const bearer of [jwt(claims()), signedJwt(claims(), 'another-secret')]) {
      const res = await create(secured.url, 'ORDER-1', { headers: headers(bearer) });
      expect(res.status).toBe(401);
      expect((await answerOf(res)).status_code).toBe('4054');
    }
    expect(secured.requests(CREATE)).toBe(2);
    expect(secured.ledger.count('ORDER-1')).toBe(0);
  });

  it.each([
    [{ key: '' }, 'auth.key'],
    [{ key, secret: '' }, 'auth.secret'],
  ])('refuses %j with a TypeError naming the option', async (auth, name) => {
    await expect(startSimulator({ auth })).rejects.toThrow(TypeError);
    await expect(startSimulator({ auth })).rejects.toThrow(name);
  });
});

describe('close()', () => {
  it('ends a pending request and resolves quickly', async () => {
    const closing = await startSimulator();
    closing.script(CREATE, [{ delayMs: 5000 }]);
    const pending = create(closing.url, 'ORDER-1');
    const outcome = pending.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    for (let i = 0; i < 100 && closing.requests(CREATE) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(closing.requests(CREATE)).toBe(1);
    const started = performance.now();
    await closing.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await outcome).toBeInstanceOf(TypeError);
  });
});
