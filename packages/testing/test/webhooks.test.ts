import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookHandler,
  type PortOneWebhook,
  verifyWebhook,
  type WebhookHandler,
} from '@portone-retry/core';
import { createPortOneMock, type Simulator, startSimulator } from '@portone-retry/testing';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerOf, create, status } from './support.js';

const SECRET = 'merchant-secret-key';
const CREATE = 'POST /api/initiatePayment';

/** The raw body of a node:http request as a web `Request`, for a web-standard handler. */
async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Request(`http://127.0.0.1${req.url ?? '/'}`, {
    method: req.method ?? 'POST',
    headers: req.headers as Record<string, string>,
    body: req.method === 'GET' || req.method === 'HEAD' ? null : Buffer.concat(chunks),
  });
}

/** A merchant's webhook endpoint on 127.0.0.1, with what it was told. */
async function startReceiver(
  options: { expected?: Parameters<typeof createWebhookHandler>[0]['expected'] } = {},
) {
  const onPayment = vi.fn<(webhook: PortOneWebhook, meta: { replay: boolean }) => void>();
  const handler: WebhookHandler = createWebhookHandler({ secret: SECRET, onPayment, ...options });
  const server: Server = createServer(async (req, res) => {
    const answer = await handler(await toRequest(req));
    res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${port}/webhooks/portone`, onPayment, close };
}

const toClose: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((close) => close()));
});

async function setup(options: Parameters<typeof startReceiver>[0] = {}) {
  const receiver = await startReceiver(options);
  const sim: Simulator = await startSimulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
  toClose.push(() => sim.close(), receiver.close);
  return { sim, receiver };
}

const seenBy = (onPayment: ReturnType<typeof vi.fn>) =>
  onPayment.mock.calls.map(([webhook, meta]) => [
    (webhook as PortOneWebhook).status,
    (meta as { replay: boolean }).replay,
  ]);

describe('simulator webhooks', () => {
  it('posts a signed webhook when a payment is created settled', async () => {
    const { sim, receiver } = await setup();
    await create(sim.url, 'ORDER-1', { amount: 1500 });
    await sim.webhooks.idle();
    expect(sim.webhooks.delivered).toMatchObject([
      { merchantOrderRef: 'ORDER-1', status: 'Success', forged: false, httpStatus: 200 },
    ]);
    const webhook = receiver.onPayment.mock.calls[0]?.[0];
    expect(webhook).toMatchObject({ merchant_order_ref: 'ORDER-1', amount: 1500, currency: 'USD' });
    expect(webhook?.order_ref).toBe(sim.ledger.get('ORDER-1')?.orderRef);
  });

  it('posts one webhook when a pending payment settles on a status poll', async () => {
    const { sim, receiver } = await setup();
    sim.script(CREATE, [{ pending: 1, settle: 'Failed' }]);
    await create(sim.url, 'ORDER-2');
    await status(sim.url, 'ORDER-2'); // still Pending
    await sim.webhooks.idle();
    expect(sim.webhooks.delivered).toEqual([]);
    await status(sim.url, 'ORDER-2'); // settles
    await status(sim.url, 'ORDER-2');
    await sim.webhooks.idle();
    expect(seenBy(receiver.onPayment)).toEqual([['Failed', false]]);
  });

  it('deliver settles a pending payment before its next poll, and the poll agrees', async () => {
    const { sim, receiver } = await setup();
    sim.script(CREATE, [{ pending: 100 }]);
    await create(sim.url, 'ORDER-3');
    const [delivery] = await sim.webhooks.deliver('ORDER-3', { status: 'Success' });
    expect(delivery?.httpStatus).toBe(200);
    expect((await answerOf(await status(sim.url, 'ORDER-3'))).content?.status).toBe('Success');
    await sim.webhooks.idle();
    // The poll's settlement was the webhook's: no second webhook.
    expect(seenBy(receiver.onPayment)).toEqual([['Success', false]]);
  });

  it('posts twice: the second copy is a replay, still answered 200', async () => {
    const { sim, receiver } = await setup();
    sim.script(CREATE, [{ pending: 100 }]);
    await create(sim.url, 'ORDER-4');
    const deliveries = await sim.webhooks.deliver('ORDER-4', { status: 'Success', repeat: 2 });
    expect(deliveries.map((d) => d.httpStatus)).toEqual([200, 200]);
    expect(seenBy(receiver.onPayment)).toEqual([
      ['Success', false],
      ['Success', true],
    ]);
  });

  it('posts out of order: a Pending after Success is a replay', async () => {
    const { sim, receiver } = await setup();
    sim.script(CREATE, [{ pending: 100 }]);
    await create(sim.url, 'ORDER-5');
    await sim.webhooks.deliver('ORDER-5', { status: 'Success' });
    const [late] = await sim.webhooks.deliver('ORDER-5', { status: 'Pending' });
    expect(late?.httpStatus).toBe(200);
    expect(seenBy(receiver.onPayment)).toEqual([
      ['Success', false],
      ['Pending', true],
    ]);
  });

  it('posts a forgery: 401, the merchant is not told, the ledger is unchanged', async () => {
    const { sim, receiver } = await setup();
    sim.script(CREATE, [{ pending: 100 }]);
    await create(sim.url, 'ORDER-6');
    const [forged] = await sim.webhooks.deliver('ORDER-6', { status: 'Success', forge: true });
    expect(forged).toMatchObject({ forged: true, httpStatus: 401 });
    expect(receiver.onPayment).not.toHaveBeenCalled();
    expect(sim.ledger.get('ORDER-6')?.status).toBe('Pending');
  });

  it('posts a properly signed amount that is not the order’s: 422', async () => {
    const { sim, receiver } = await setup({
      expected: async () => ({ amount: 1000, currency: 'USD' }),
    });
    sim.script(CREATE, [{ pending: 100 }]);
    await create(sim.url, 'ORDER-7', { amount: 1000 });
    const [wrong] = await sim.webhooks.deliver('ORDER-7', { status: 'Success', amount: 1 });
    expect(wrong?.httpStatus).toBe(422);
    const [right] = await sim.webhooks.deliver('ORDER-7', { status: 'Success' });
    expect(right?.httpStatus).toBe(200);
    expect(seenBy(receiver.onPayment)).toEqual([['Success', false]]);
  });

  it('posts late: nothing before the delay; close() ends a scheduled webhook unsent', async () => {
    const { sim } = await setup();
    sim.script(CREATE, [{ pending: 100 }, { pending: 100 }]);
    await create(sim.url, 'ORDER-8');
    await create(sim.url, 'ORDER-9');
    const soon = sim.webhooks.deliver('ORDER-8', { status: 'Success', delayMs: 5 });
    expect(sim.webhooks.delivered).toEqual([]);
    expect((await soon).map((d) => d.httpStatus)).toEqual([200]);
    const never = sim.webhooks.deliver('ORDER-9', { status: 'Success', delayMs: 600_000 });
    await sim.close();
    expect(await never).toEqual([]);
  });

  it('refuses deliver without a webhookUrl, and a webhookUrl without a secret', async () => {
    const sim = await startSimulator();
    toClose.push(() => sim.close());
    await create(sim.url, 'ORDER-10');
    expect(() => sim.webhooks.deliver('ORDER-10')).toThrow(/webhookUrl/);
    await expect(startSimulator({ webhookUrl: 'http://127.0.0.1:9/' })).rejects.toThrow(
      /webhookSecret/,
    );
  });

  it('signs with auth.secret when no webhookSecret is given', async () => {
    const receiver = await startReceiver();
    const sim = await startSimulator({
      webhookUrl: receiver.url,
      auth: { key: 'k', secret: SECRET },
    });
    toClose.push(() => sim.close(), receiver.close);
    // deliver reads the ledger: the payment need not come from an authenticated create.
    sim.ledger.create('ORDER-11', { status: 'Pending', pollsLeft: 100, amount: 10 });
    const [delivery] = await sim.webhooks.deliver('ORDER-11', { status: 'Success' });
    expect(delivery?.httpStatus).toBe(200);
  });
});

describe('msw mock webhooks', () => {
  it('hands signed webhooks to onWebhook', async () => {
    const received: PortOneWebhook[] = [];
    const mock = createPortOneMock({
      webhookSecret: SECRET,
      onWebhook: async (request) => {
        received.push(await verifyWebhook(await request.text(), SECRET));
        return new Response(null, { status: 200 });
      },
    });
    const server = setupServer(...mock.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      await create('https://api.portone.cloud', 'ORDER-M', { amount: 70 });
      await mock.webhooks.idle();
      await mock.webhooks.deliver('ORDER-M', { status: 'Success', repeat: 2 });
    } finally {
      server.close();
    }
    expect(received.map((w) => [w.merchant_order_ref, w.amount, w.status])).toEqual([
      ['ORDER-M', 70, 'Success'],
      ['ORDER-M', 70, 'Success'],
      ['ORDER-M', 70, 'Success'],
    ]);
  });
});
