import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEngine,
  createWebhookHandler,
  type Engine,
  isPortOneError,
} from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { afterEach, describe, expect, it } from 'vitest';

const SECRET = 'merchant-secret-key';
const CREATE = 'POST /api/initiatePayment';
// Longer than the test is allowed to run: a call that resolves did so without its next poll.
const POLL = { pollIntervalMs: 30_000, pollMaxIntervalMs: 30_000, pollDeadlineMs: 60_000 };

const toClose: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((close) => close()));
});

/** The merchant's webhook endpoint on 127.0.0.1, settling `engine`'s calls. */
async function startReceiver(engine: Engine): Promise<string> {
  const handler = createWebhookHandler({ secret: SECRET, engine });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await handler(
      new Request('http://127.0.0.1/webhooks/portone', {
        method: 'POST',
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(answer.status).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  toClose.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/portone`;
}

/** A pending payment whose call is polling when this resolves. */
async function pendingCall(ref: string) {
  const engine = createEngine({ policy: POLL });
  const sim: Simulator = await startSimulator({
    validate: false,
    webhookUrl: await startReceiver(engine),
    webhookSecret: SECRET,
  });
  toClose.push(() => sim.close());
  sim.script(CREATE, [{ pending: 1_000 }]);
  const portoneFetch = createPortOneFetch({ engine, baseUrl: sim.url });
  const polling = new Promise<void>((resolve) => engine.on('poll', () => resolve()));
  const call = portoneFetch(`${sim.url}/api/initiatePayment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ merchant_order_id: ref, amount: 100, currency: 'USD' }),
  });
  call.catch(() => undefined);
  await polling;
  return { sim, call };
}

/** `promise`, or a rejection after 3 s so a call that is never settled fails the test. */
const within3s = <T>(promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('not settled within 3 s')), 3_000).unref(),
    ),
  ]);

describe('a pending payment settled by a webhook', { timeout: 10_000 }, () => {
  it('resolves before its next poll, with no further polls', async () => {
    const { sim, call } = await pendingCall('S-1');
    await sim.webhooks.deliver('S-1', { status: 'Success' });
    await expect(within3s(call)).resolves.toBeDefined();
    expect(sim.requests('GET /api/transaction/S-1/status')).toBe(0);
  });

  it('rejects at once with a PortOneError when the webhook says Failed', async () => {
    const { sim, call } = await pendingCall('S-2');
    await sim.webhooks.deliver('S-2', { status: 'Failed' });
    const error = await within3s(call).catch((e: unknown) => e);
    expect(isPortOneError(error)).toBe(true);
    expect(sim.requests('GET /api/transaction/S-2/status')).toBe(0);
  });

  it('a forged webhook settles nothing', async () => {
    const { sim, call } = await pendingCall('S-3');
    const [forged] = await sim.webhooks.deliver('S-3', { status: 'Success', forge: true });
    expect(forged?.httpStatus).toBe(401);
    await sim.webhooks.deliver('S-3', { status: 'Success' });
    await expect(within3s(call)).resolves.toBeDefined();
  });
});
