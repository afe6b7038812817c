import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createWebhookHandler, type PortOneWebhook, signWebhook } from '@portone-retry/core';
import { createRedisWebhookStore } from '@portone-retry/redis-store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const available = spawnSync('redis-server', ['--version']).status === 0;
if (!available)
  console.warn('redis webhook store tests skipped: redis-server cannot be started on this machine');

const SECRET = 'merchant-secret-key';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function webhookRequest(fields: Record<string, unknown>): Promise<Request> {
  const body = { ...fields, signature_hash: await signWebhook(fields, SECRET) };
  return new Request('http://127.0.0.1/webhooks/portone', {
    method: 'POST',
    body: JSON.stringify(body),
  });
}

const WEBHOOK = {
  amount: 100,
  currency: 'USD',
  order_ref: 'PO1',
  channel_order_ref: 'CH1',
  merchant_order_ref: 'ORDER-1',
  country_code: 'US',
  status: 'Success',
  channel_key: 'SIM',
  method_name: 'Card',
};

describe.skipIf(!available)('redis webhook store against a real redis-server on 127.0.0.1', () => {
  let server: ChildProcess;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    // Wait until redis-server accepts connections (bounded: 5 s).
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Two connections, as two servers of a fleet would have.
    a = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 2 });
    b = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 2 });
  }, 15_000);

  afterAll(async () => {
    await a?.quit();
    await b?.quit();
    server?.kill();
  });

  beforeEach(async () => {
    await a.flushall();
  });

  type OnPayment = (webhook: PortOneWebhook, meta: { replay: boolean }) => unknown;

  /** Two servers of a fleet, each with its own connection to the shared Redis. */
  const twoServers = (onPaymentA: OnPayment, onPaymentB: OnPayment) => {
    const server = (client: Redis, onPayment: OnPayment) =>
      createWebhookHandler({
        secret: SECRET,
        seen: createRedisWebhookStore({ client }),
        onPayment,
      });
    return [server(a, onPaymentA), server(b, onPaymentB)] as const;
  };

  it('a webhook applied on one server is a replay on another', async () => {
    const onPaymentA = vi.fn<(webhook: PortOneWebhook, meta: { replay: boolean }) => void>();
    const onPaymentB = vi.fn<(webhook: PortOneWebhook, meta: { replay: boolean }) => void>();
    const [serverA, serverB] = twoServers(onPaymentA, onPaymentB);
    expect((await serverA(await webhookRequest(WEBHOOK))).status).toBe(200);
    expect((await serverB(await webhookRequest(WEBHOOK))).status).toBe(200);
    expect((await serverB(await webhookRequest({ ...WEBHOOK, status: 'Pending' }))).status).toBe(
      200,
    );
    expect(onPaymentA.mock.calls.map(([, meta]) => meta.replay)).toEqual([false]);
    expect(onPaymentB.mock.calls.map(([w, meta]) => [w.status, meta.replay])).toEqual([
      ['Success', true],
      ['Pending', true],
    ]);
  });

  it('a copy arriving at another server while the first applies it is answered 409, then a replay', async () => {
    let finish: () => void = () => {};
    const onPaymentA = vi.fn(() => new Promise<void>((done) => (finish = done)));
    const onPaymentB = vi.fn<(webhook: PortOneWebhook, meta: { replay: boolean }) => void>();
    const [serverA, serverB] = twoServers(onPaymentA, onPaymentB);
    const applying = serverA(await webhookRequest(WEBHOOK));
    await vi.waitFor(() => expect(onPaymentA).toHaveBeenCalledTimes(1));
    expect((await serverB(await webhookRequest(WEBHOOK))).status).toBe(409);
    expect(onPaymentB).not.toHaveBeenCalled();
    finish();
    expect((await applying).status).toBe(200);
    // The claim is given back: PortOne's resend reaches B, which sees it applied.
    expect(await b.exists('portone-retry:webhook-claim:ORDER-1')).toBe(0);
    expect((await serverB(await webhookRequest(WEBHOOK))).status).toBe(200);
    expect(onPaymentB.mock.calls.map(([, meta]) => meta.replay)).toEqual([true]);
  });

  it('a claim whose lease ran out is another server’s: the late holder cannot release it', async () => {
    const storeA = createRedisWebhookStore({ client: a });
    const storeB = createRedisWebhookStore({ client: b });
    const late = await storeA.claim?.('ORDER-3', 20);
    expect(late).toBeDefined();
    expect(await storeB.claim?.('ORDER-3', 60_000)).toBeUndefined();
    await vi.waitFor(async () =>
      expect(await b.exists('portone-retry:webhook-claim:ORDER-3')).toBe(0),
    );
    const current = await storeB.claim?.('ORDER-3', 60_000);
    expect(current).toBeDefined();
    await storeA.release?.('ORDER-3', late as string);
    expect(await storeA.claim?.('ORDER-3', 60_000)).toBeUndefined();
    await storeB.release?.('ORDER-3', current as string);
    expect(await storeA.claim?.('ORDER-3', 60_000)).toBeDefined();
  });

  it('remembers under the prefix, for ttlSeconds', async () => {
    const store = createRedisWebhookStore({ client: a, prefix: 'shop:', ttlSeconds: 60 });
    expect(await store.get('ORDER-2')).toBeUndefined();
    await store.set('ORDER-2', 'Failed');
    expect(await b.get('shop:webhook:ORDER-2')).toBe('Failed');
    const ttl = await b.ttl('shop:webhook:ORDER-2');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await createRedisWebhookStore({ client: b, prefix: 'shop:' }).get('ORDER-2')).toBe(
      'Failed',
    );
  });

  it('rejects bad options with a TypeError naming them', () => {
    expect(() => createRedisWebhookStore({ client: a, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => createRedisWebhookStore({ client: {} as Redis })).toThrow(/client/);
  });
});
