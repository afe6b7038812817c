import { readdirSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  createEngine,
  createMemoryWebhookStore,
  createWebhookHandler,
  type Engine,
  isPortOneError,
  PortOneError,
  type PortOneWebhook,
  PortOneWebhookError,
  signWebhook,
  verifyWebhook,
  type WebhookStatus,
} from './support/internals.js';

const SECRET = 'test-secret-key';

/** The sample of PortOne's "Payment Webhook" page, signature left to each test. */
const SAMPLE = {
  currency: 'USD',
  amount: 500,
  order_ref: '2mbbExY77pp8iC0AQ1ucWymnd3c',
  channel_order_ref: '20240926HULUNYGP6MA2',
  merchant_order_ref: '2mbbDi9wX3wAgLUDCnRMbQwkwZm_1',
  country_code: 'US',
  status: 'Success',
  channel_key: 'PAYLETTER',
  method_name: 'Payletter Credit Card',
  method_key: 'PAYLETTER_CREDIT_CARD',
  buyer_name: 'N K',
  buyer_email: 'buyer@example.com',
  status_code: '2000',
  status_reason: 'SUCCESS',
  payment_method_used: '테스트카드 | ************4242',
  environment: 'sandbox',
  cross_border_data: {},
};

// Computed once with Python (urllib.parse.urlencode + hmac/sha256 + base64) over the sample's
// signed fields, amount "500", and SECRET.
const SAMPLE_SIGNATURE = 'ZgWmjGvPGNQgAG7qjVkDVr/iPg3zn/Mv4opuvRBAAME=';

async function signed(
  overrides: Record<string, unknown> = {},
  secret = SECRET,
): Promise<Record<string, unknown>> {
  const fields = { ...SAMPLE, ...overrides };
  return { ...fields, signature_hash: await signWebhook(fields, secret) };
}

async function rejection(promise: Promise<unknown>): Promise<PortOneWebhookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortOneWebhookError);
  return error as PortOneWebhookError;
}

describe('signWebhook', () => {
  it("matches a vector computed independently over PortOne's sample", async () => {
    expect(await signWebhook(SAMPLE, SECRET)).toBe(SAMPLE_SIGNATURE);
  });
});

describe('verifyWebhook', () => {
  it('resolves with the typed webhook when the signature is PortOne’s', async () => {
    const webhook = await verifyWebhook(
      JSON.stringify({ ...SAMPLE, signature_hash: SAMPLE_SIGNATURE }),
      SECRET,
    );
    expect(webhook.merchant_order_ref).toBe(SAMPLE.merchant_order_ref);
    expect(webhook.amount).toBe(500);
    expect(webhook.status).toBe('Success');
  });

  it('takes the raw body as a string, as bytes, or already parsed', async () => {
    const body = JSON.stringify(await signed());
    await expect(verifyWebhook(body, SECRET)).resolves.toMatchObject({ status: 'Success' });
    await expect(verifyWebhook(new TextEncoder().encode(body), SECRET)).resolves.toMatchObject({
      status: 'Success',
    });
    await expect(verifyWebhook(JSON.parse(body), SECRET)).resolves.toMatchObject({
      status: 'Success',
    });
  });

  it('reads the amount as PortOne does: 500.0 in the JSON is the amount 500', async () => {
    const body = JSON.stringify({ ...SAMPLE, signature_hash: SAMPLE_SIGNATURE }).replace(
      '"amount":500',
      '"amount":500.0',
    );
    expect(body).toContain('"amount":500.0');
    await expect(verifyWebhook(body, SECRET)).resolves.toMatchObject({ amount: 500 });
  });

  it.each([
    ['amount', 5],
    ['amount', 500.01],
    ['channel_key', 'OTHER'],
    ['channel_order_ref', 'x'],
    ['country_code', 'KR'],
    ['currency', 'KRW'],
    ['merchant_order_ref', 'someone-else'],
    ['method_name', 'Other'],
    ['order_ref', 'x'],
    ['status', 'Failed'],
  ])('a tampered %s (%s) is refused: signature', async (field, value) => {
    const tampered = { ...(await signed()), [field]: value };
    const error = await rejection(verifyWebhook(tampered, SECRET));
    expect(error.reason).toBe('signature');
  });

  it('a field PortOne does not sign may change (only the signed fields are trusted)', async () => {
    const changed = { ...(await signed()), buyer_email: 'other@example.com' };
    await expect(verifyWebhook(changed, SECRET)).resolves.toMatchObject({
      buyer_email: 'other@example.com',
    });
  });

  it('a webhook signed with another secret is refused: signature', async () => {
    const error = await rejection(verifyWebhook(await signed({}, 'another-secret'), SECRET));
    expect(error.reason).toBe('signature');
  });

  it.each([
    'not base64 at all',
    '',
    `${SAMPLE_SIGNATURE.slice(0, -2)}==`,
    SAMPLE_SIGNATURE.slice(0, -1),
  ])('a signature_hash that is no HMAC (%j) is refused', async (signature_hash) => {
    const error = await rejection(verifyWebhook({ ...SAMPLE, signature_hash }, SECRET));
    expect(['signature', 'malformed']).toContain(error.reason);
  });

  it.each([
    ['not JSON', '{"amount": 5'],
    ['empty', ''],
    ['an array', '[]'],
    ['no merchant_order_ref', JSON.stringify({ ...SAMPLE, merchant_order_ref: undefined })],
    ['no status', JSON.stringify({ ...SAMPLE, status: '' })],
    ['amount as a string', JSON.stringify({ ...SAMPLE, amount: '500' })],
    ['a signed field as a number', JSON.stringify({ ...SAMPLE, order_ref: 12 })],
    ['no signature', JSON.stringify(SAMPLE)],
  ])('%s is refused: malformed', async (_what, body) => {
    const error = await rejection(verifyWebhook(body, SECRET));
    expect(error.reason).toBe('malformed');
  });

  it('a signed text field PortOne left out is signed as empty, as its Go struct does', async () => {
    const { channel_order_ref: _left, ...rest } = SAMPLE;
    const body = {
      ...rest,
      signature_hash: await signWebhook({ ...rest, channel_order_ref: '' }, SECRET),
    };
    await expect(verifyWebhook(body, SECRET)).resolves.toMatchObject({ status: 'Success' });
  });

  describe('expected amount and currency', () => {
    it('passes when they are the order’s, in any equal form', async () => {
      const body = await signed();
      await expect(
        verifyWebhook(body, SECRET, { expected: { amount: '500.00', currency: 'usd' } }),
      ).resolves.toMatchObject({ amount: 500 });
    });

    it('refuses another amount: amount', async () => {
      const error = await rejection(
        verifyWebhook(await signed(), SECRET, { expected: { amount: 5000, currency: 'USD' } }),
      );
      expect(error.reason).toBe('amount');
      expect(error.orderRef).toBe(SAMPLE.merchant_order_ref);
    });

    it('refuses another currency: currency', async () => {
      const error = await rejection(
        verifyWebhook(await signed(), SECRET, { expected: { amount: 500, currency: 'KRW' } }),
      );
      expect(error.reason).toBe('currency');
    });

    it('checks the signature before the amount', async () => {
      const forged = { ...(await signed()), amount: 1 };
      const error = await rejection(
        verifyWebhook(forged, SECRET, { expected: { amount: 500, currency: 'USD' } }),
      );
      expect(error.reason).toBe('signature');
    });
  });

  describe('PortOneWebhookError', () => {
    it('is a PortOneError with a literal name and never holds the secret or the payload', async () => {
      const secret = 'sk_live_very-secret-value';
      const forged = { ...(await signed({}, secret)), amount: 1 };
      const error = await rejection(verifyWebhook(forged, secret));
      expect(error).toBeInstanceOf(PortOneError);
      expect(isPortOneError(error)).toBe(true);
      expect(error.name).toBe('PortOneWebhookError');
      const shown = [
        error.message,
        inspect(error, { depth: 10 }),
        JSON.stringify(error),
        JSON.stringify(error.toJSON()),
        String(error.stack),
      ].join('\n');
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(String((forged as Record<string, unknown>).signature_hash));
      expect(shown).not.toContain('buyer@example.com');
      expect(error.toJSON()).toMatchObject({ name: 'PortOneWebhookError', reason: 'signature' });
    });

    it('a body that is not JSON is not quoted in the error', async () => {
      const error = await rejection(verifyWebhook('{"buyer_email":"buyer@example.com",', SECRET));
      expect(inspect(error)).not.toContain('buyer@example.com');
      expect(error.cause).toBeUndefined();
    });
  });

  it('an empty secret is a TypeError', async () => {
    await expect(verifyWebhook(await signed(), '')).rejects.toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------

const URL_ = 'https://merchant.example/webhooks/portone';

const post = (body: unknown): Request =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function setup(options: Partial<Parameters<typeof createWebhookHandler>[0]> = {}) {
  const settle = vi.fn<(ref: string, status: string) => void>();
  const engine = { ...createEngine(), settle } as unknown as Engine;
  const onPayment = vi.fn<(webhook: PortOneWebhook, meta: { replay: boolean }) => void>();
  const onRejected = vi.fn<(error: PortOneWebhookError) => void>();
  const handler = createWebhookHandler({
    secret: SECRET,
    engine,
    onPayment,
    onRejected,
    ...options,
  });
  const deliver = async (overrides: Record<string, unknown> = {}) =>
    handler(post(await signed(overrides)));
  return { handler, settle, onPayment, onRejected, deliver };
}

const replays = (onPayment: ReturnType<typeof setup>['onPayment']) =>
  onPayment.mock.calls.map(([webhook, meta]) => [webhook.status, meta.replay]);

describe('createWebhookHandler', () => {
  it('applies a verified webhook: 200, onPayment, engine.settle(ref, status)', async () => {
    const { deliver, settle, onPayment } = setup();
    const response = await deliver();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, replay: false });
    expect(onPayment).toHaveBeenCalledTimes(1);
    expect(onPayment.mock.calls[0]?.[0]).toMatchObject({
      merchant_order_ref: SAMPLE.merchant_order_ref,
    });
    expect(settle.mock.calls).toEqual([[SAMPLE.merchant_order_ref, 'Success']]);
  });

  it('answers a replay after the final status 200, marked replay, without settling again', async () => {
    const { deliver, settle, onPayment } = setup();
    await deliver();
    const again = await deliver();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, replay: true });
    expect(replays(onPayment)).toEqual([
      ['Success', false],
      ['Success', true],
    ]);
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it('ignores a Pending that arrives after Success (out of order)', async () => {
    const { deliver, settle, onPayment } = setup();
    await deliver({ status: 'Success' });
    const late = await deliver({ status: 'Pending' });
    expect(late.status).toBe(200);
    // Success still stands: a third Success is a replay, not a new settlement.
    await deliver({ status: 'Success' });
    expect(replays(onPayment)).toEqual([
      ['Success', false],
      ['Pending', true],
      ['Success', true],
    ]);
    expect(settle.mock.calls).toEqual([[SAMPLE.merchant_order_ref, 'Success']]);
  });

  it('applies Pending then Success, and settles only on the final one', async () => {
    const { deliver, settle, onPayment } = setup();
    await deliver({ status: 'Pending' });
    await deliver({ status: 'Success' });
    expect(replays(onPayment)).toEqual([
      ['Pending', false],
      ['Success', false],
    ]);
    expect(settle.mock.calls).toEqual([[SAMPLE.merchant_order_ref, 'Success']]);
  });

  it('never lets a replayed Success undo a Refunded', async () => {
    const { deliver, onPayment } = setup();
    await deliver({ status: 'Success' });
    await deliver({ status: 'Refunded' });
    await deliver({ status: 'Success' });
    expect(replays(onPayment)).toEqual([
      ['Success', false],
      ['Refunded', false],
      ['Success', true],
    ]);
  });

  it('keeps order refs apart', async () => {
    const { deliver, settle } = setup();
    await deliver({ merchant_order_ref: 'a' });
    await deliver({ merchant_order_ref: 'b', status: 'Failed' });
    expect(settle.mock.calls).toEqual([
      ['a', 'Success'],
      ['b', 'Failed'],
    ]);
  });

  it('applies one of two copies that arrive together', async () => {
    const { handler, settle, onPayment } = setup();
    const body = await signed();
    const answers = await Promise.all([handler(post(body)), handler(post(body))]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(onPayment.mock.calls.map(([, meta]) => meta.replay).sort()).toEqual([false, true]);
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it('answers a forgery 401 and calls neither onPayment nor settle', async () => {
    const { handler, settle, onPayment, onRejected } = setup();
    const forged = { ...(await signed()), amount: 1 };
    const response = await handler(post(forged));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'signature' });
    expect(onPayment).not.toHaveBeenCalled();
    expect(settle).not.toHaveBeenCalled();
    expect(onRejected.mock.calls.map(([e]) => e.reason)).toEqual(['signature']);
  });

  it('a forgery does not poison the record: the real webhook still applies', async () => {
    const { handler, deliver, onPayment } = setup();
    await handler(post({ ...(await signed()), status: 'Failed' }));
    await deliver();
    expect(replays(onPayment)).toEqual([['Success', false]]);
  });

  it('answers a malformed body 400', async () => {
    const { handler, onPayment, onRejected } = setup();
    expect((await handler(post('{"amount":'))).status).toBe(400);
    expect(onPayment).not.toHaveBeenCalled();
    expect(onRejected.mock.calls.map(([e]) => e.reason)).toEqual(['malformed']);
  });

  it('a body a parser already read answers 400 and says why', async () => {
    const { handler, onRejected } = setup();
    const request = post(await signed());
    await request.json(); // what express.json() or a framework's parser does first
    expect((await handler(request)).status).toBe(400);
    expect(onRejected.mock.calls[0]?.[0].message).toMatch(/body parser/);
  });

  it('answers 422 when the amount is not the order’s, and does not apply it', async () => {
    const expected = vi.fn(async () => ({ amount: 400, currency: 'USD' }));
    const { deliver, settle, onPayment, onRejected } = setup({ expected });
    const response = await deliver();
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: 'amount' });
    expect(expected).toHaveBeenCalledWith(SAMPLE.merchant_order_ref);
    expect(onPayment).not.toHaveBeenCalled();
    expect(settle).not.toHaveBeenCalled();
    expect(onRejected.mock.calls[0]?.[0].reason).toBe('amount');
  });

  it('answers 422 for another currency', async () => {
    const { deliver } = setup({ expected: () => ({ amount: 500, currency: 'KRW' }) });
    expect((await deliver()).status).toBe(422);
  });

  it('applies a webhook whose amount and currency are the order’s', async () => {
    const { deliver, onPayment } = setup({
      expected: async () => ({ amount: '500.00', currency: 'USD' }),
    });
    expect((await deliver()).status).toBe(200);
    expect(onPayment).toHaveBeenCalledTimes(1);
  });

  it('answers 404 for an order the merchant does not know, so PortOne sends it again', async () => {
    const { deliver, onPayment } = setup({ expected: async () => undefined });
    expect((await deliver()).status).toBe(404);
    expect(onPayment).not.toHaveBeenCalled();
  });

  it('when onPayment throws, rejects and leaves the webhook to be applied on the resend', async () => {
    const { deliver, onPayment, settle } = setup();
    onPayment.mockImplementationOnce(() => {
      throw new Error('database down');
    });
    await expect(deliver()).rejects.toThrow('database down');
    expect(settle).not.toHaveBeenCalled();
    expect((await deliver()).status).toBe(200);
    expect(replays(onPayment)).toEqual([
      ['Success', false],
      ['Success', false],
    ]);
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it('answers anything but POST 405', async () => {
    const { handler } = setup();
    const response = await handler(new Request(URL_, { method: 'GET' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers a body over maxBodyBytes 413 without reading it all', async () => {
    const { handler, onPayment } = setup({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ ...(await signed()), description: 'x'.repeat(5000) });
    expect((await handler(post(big))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(512).fill(32));
      },
    });
    const streamed = new Request(URL_, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await handler(streamed)).status).toBe(413);
    expect(onPayment).not.toHaveBeenCalled();
  });

  it('works with an engine that has no settle', async () => {
    const onPayment = vi.fn();
    const handler = createWebhookHandler({ secret: SECRET, engine: createEngine(), onPayment });
    expect((await handler(post(await signed()))).status).toBe(200);
    expect(onPayment).toHaveBeenCalledTimes(1);
  });

  it('waits for a settle that returns a promise before answering', async () => {
    const order: string[] = [];
    const engine = {
      ...createEngine(),
      settle: async () => {
        await Promise.resolve();
        order.push('settled');
      },
    } as unknown as Engine;
    const handler = createWebhookHandler({ secret: SECRET, engine });
    await handler(post(await signed()));
    order.push('answered');
    expect(order).toEqual(['settled', 'answered']);
  });

  it('remembers applied statuses in the store it is given', async () => {
    const statuses = new Map<string, WebhookStatus>();
    const seen = {
      get: async (ref: string) => statuses.get(ref),
      set: async (ref: string, status: WebhookStatus) => void statuses.set(ref, status),
    };
    const { deliver, onPayment } = setup({ seen });
    statuses.set(SAMPLE.merchant_order_ref, 'Success'); // applied by another server
    await deliver();
    expect(replays(onPayment)).toEqual([['Success', true]]);
    await deliver({ merchant_order_ref: 'new' });
    expect(statuses.get('new')).toBe('Success');
  });

  it('answers 409 while another handler sharing the store applies the same order ref, then a replay', async () => {
    const seen = createMemoryWebhookStore();
    const first = setup({ seen });
    const second = setup({ seen });
    let finish: () => void = () => {};
    first.onPayment.mockImplementationOnce(() => new Promise<void>((done) => (finish = done)));
    const body = await signed();
    const applying = first.handler(post(body));
    await vi.waitFor(() => expect(first.onPayment).toHaveBeenCalledTimes(1));
    const busy = await second.handler(post(body));
    expect(busy.status).toBe(409);
    expect(await busy.json()).toEqual({ error: 'in-progress' });
    expect(second.onPayment).not.toHaveBeenCalled();
    finish();
    expect((await applying).status).toBe(200);
    // PortOne's resend, after the first server applied it: a replay, not a second application.
    expect(await (await second.handler(post(body))).json()).toEqual({
      received: true,
      replay: true,
    });
    expect(replays(second.onPayment)).toEqual([['Success', true]]);
  });

  it('gives the order ref back after onPayment, whether it returned or threw', async () => {
    const statuses = new Map<string, WebhookStatus>();
    const claim = vi.fn(async () => 'token-1');
    const release = vi.fn(async () => {});
    const seen = {
      get: async (ref: string) => statuses.get(ref),
      set: async (ref: string, status: WebhookStatus) => void statuses.set(ref, status),
      claim,
      release,
    };
    const { deliver, onPayment } = setup({ seen });
    onPayment.mockImplementationOnce(() => {
      throw new Error('database down');
    });
    await expect(deliver()).rejects.toThrow('database down');
    expect((await deliver()).status).toBe(200);
    expect(claim.mock.calls).toEqual([
      [SAMPLE.merchant_order_ref, 60_000],
      [SAMPLE.merchant_order_ref, 60_000],
    ]);
    expect(release.mock.calls).toEqual([
      [SAMPLE.merchant_order_ref, 'token-1'],
      [SAMPLE.merchant_order_ref, 'token-1'],
    ]);
  });

  it('a release that fails, or is not async, leaves the answer as it was', async () => {
    const statuses = new Map<string, WebhookStatus>();
    const seen = {
      get: async (ref: string) => statuses.get(ref),
      set: async (ref: string, status: WebhookStatus) => void statuses.set(ref, status),
      claim: async () => 'token',
      release: () => {
        throw new Error('redis down');
      },
    };
    const { deliver, onPayment } = setup({ seen: seen as never });
    expect((await deliver()).status).toBe(200);
    expect(replays(onPayment)).toEqual([['Success', false]]);
  });

  it('a claim that is not given does not apply the webhook: 409, nothing recorded', async () => {
    const set = vi.fn(async () => {});
    const seen = {
      get: async () => undefined,
      set,
      claim: async () => undefined,
      release: async () => {},
    };
    const { deliver, onPayment, settle } = setup({ seen });
    expect((await deliver()).status).toBe(409);
    expect(onPayment).not.toHaveBeenCalled();
    expect(settle).not.toHaveBeenCalled();
    expect(set).not.toHaveBeenCalled();
  });

  it.each([
    [{}, /secret/],
    [{ secret: '' }, /secret/],
    [{ secret: SECRET, onPayment: 'yes' }, /onPayment/],
    [{ secret: SECRET, expected: {} }, /expected/],
    [{ secret: SECRET, seen: {} }, /seen/],
    [{ secret: SECRET, seen: { get() {}, set() {}, claim: 1 } }, /seen.claim/],
    [{ secret: SECRET, seen: { get() {}, set() {}, claim() {} } }, /claim and seen.release/],
    [{ secret: SECRET, seen: { get() {}, set() {}, release() {} } }, /claim and seen.release/],
    [{ secret: SECRET, maxBodyBytes: 0 }, /maxBodyBytes/],
    [{ secret: SECRET, onpayment: () => {} }, /unknown option onpayment/],
  ])('rejects bad options at construction: %o', (options, message) => {
    expect(() => createWebhookHandler(options as never)).toThrow(TypeError);
    expect(() => createWebhookHandler(options as never)).toThrow(message);
  });
});

describe('createMemoryWebhookStore', () => {
  it('forgets the least recently used ref past max', async () => {
    const store = createMemoryWebhookStore({ max: 2 });
    await store.set('a', 'Success');
    await store.set('b', 'Success');
    await store.get('a'); // a is now more recent than b
    await store.set('c', 'Failed');
    expect(await store.get('a')).toBe('Success');
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('c')).toBe('Failed');
  });

  it('rejects a max that is not a positive integer', () => {
    expect(() => createMemoryWebhookStore({ max: 0 })).toThrow(/max/);
  });
});

describe('edge runtimes', () => {
  it('signatures and webhooks import nothing from Node', () => {
    for (const folder of ['signatures', 'webhooks']) {
      const dir = new URL(`../src/${folder}/`, import.meta.url);
      const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
      expect(files.length).toBeGreaterThan(3);
      for (const name of files) {
        const source = readFileSync(new URL(name, dir), 'utf8');
        expect(source, `${folder}/${name}`).not.toMatch(/from ['"]node:|\brequire\(|\bBuffer\./);
      }
    }
  });
});
