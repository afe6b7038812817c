/**
 * Receive PortOne's payment webhooks on a plain node:http server: verified, amount-checked,
 * replay-proof, and handed to the engine so a call still polling that payment ends at once.
 * The handler is web-standard (Request in, Response out); on node:http (and Express, see the
 * README) it only needs the raw body turned into a Request.
 * Run: pnpm tsx examples/webhook-node-http.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  createEngine,
  createWebhookHandler,
  type Engine,
  signRequest,
  type WebhookHandler,
} from '@portone-retry/core';
import { startSimulator } from '@portone-retry/testing';

/**
 * A node:http request as a web `Request`, with its body exactly as it came: PortOne's signature
 * is checked on what PortOne sent, so nothing may parse or rewrite the body first.
 */
export async function toWebRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    body: hasBody ? Buffer.concat(chunks) : null,
  });
}

/** Writes a web `Response` to a node:http response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The node:http listener for a web-standard handler; a throw in it answers 500. */
export function nodeListener(handler: WebhookHandler) {
  return (req: IncomingMessage, res: ServerResponse) => {
    toWebRequest(req)
      .then(handler)
      .then((response) => sendWebResponse(res, response))
      .catch((error: unknown) => {
        console.error(error);
        // PortOne sends the webhook again after a 5xx.
        if (!res.headersSent) res.writeHead(500).end();
      });
  };
}

/** A merchant's orders: what was charged, and what PortOne said about it. */
export type Orders = Map<string, { amount: number; currency: string; status?: string }>;

/** The merchant's webhook endpoint, on 127.0.0.1. */
export async function startWebhookServer(options: {
  secret: string;
  engine: Engine;
  orders: Orders;
}): Promise<{ url: string; close(): Promise<void> }> {
  const { secret, engine, orders } = options;
  const handler = createWebhookHandler({
    secret,
    engine,
    // PortOne's checklist: the webhook's amount and currency must be the order's.
    expected: async (ref) => orders.get(ref),
    onPayment: async (webhook, { replay }) => {
      // A replay (PortOne resending, or a late Pending after Success) changes nothing.
      if (replay) return;
      const order = orders.get(webhook.merchant_order_ref);
      if (order) order.status = webhook.status;
    },
  });
  const server = createServer(nodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/portone`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The story: a signed payment request, its webhook, a resend, and a forgery. */
export async function webhookStory(log: (line: string) => void = console.log) {
  const secret = 'portone-secret-key'; // process.env.PORTONE_SECRET in real code
  const orders: Orders = new Map([['W-1', { amount: 100, currency: 'USD' }]]);
  const receiver = await startWebhookServer({ secret, engine: createEngine(), orders });
  const key = 'client-key'; // process.env.PORTONE_KEY in real code
  // The simulator checks signature_hash as PortOne does, with the merchant's key and secret.
  const sim = await startSimulator({
    webhookUrl: receiver.url,
    webhookSecret: secret,
    signatures: { key, secret },
  });
  try {
    const request = {
      key,
      merchant_order_id: 'W-1',
      amount: 100.0, // signed as "100", as PortOne signs it
      currency: 'USD',
      pmt_channel: 'STRIPE',
      pmt_method: 'STRIPE_CARD',
      description: 'order W-1',
      environment: 'sandbox',
      success_url: 'https://shop.example/paid',
      failure_url: 'https://shop.example/failed',
    };
    const signature_hash = await signRequest('payment', { ...request, client_key: key }, secret);
    const created = await fetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, signature_hash }),
    });
    if (!created.ok)
      throw new Error(`initiatePayment answered ${created.status}: ${await created.text()}`);
    await sim.webhooks.idle();
    log(`order W-1 after PortOne's webhook: ${orders.get('W-1')?.status}`);
    const [resend] = await sim.webhooks.deliver('W-1', { status: 'Success' });
    log(`the same webhook again: HTTP ${resend?.httpStatus} (a replay, applied once)`);
    const [forged] = await sim.webhooks.deliver('W-1', { status: 'Failed', forge: true });
    log(
      `a forged "Failed": HTTP ${forged?.httpStatus}; order W-1 is still ${orders.get('W-1')?.status}`,
    );
    return {
      status: orders.get('W-1')?.status,
      resend: resend?.httpStatus,
      forged: forged?.httpStatus,
    };
  } finally {
    await sim.close();
    await receiver.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  webhookStory().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
