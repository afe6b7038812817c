/**
 * Show the customer something they can act on: an Express-style handler (req, res) that turns
 * every PortOne outcome into the right HTTP answer. Runs here on node:http; the handler is the
 * same under Express, Fastify or Koa.
 * Run: pnpm tsx examples/express-handler.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { withPortOne } from '@portone-retry/axios-adapter';
import { isPortOneError, PortOnePendingTimeoutError } from '@portone-retry/core';
import axios from 'axios';
import { paymentRequest } from './signing.js';
import { runAgainstSimulator } from './support.js';

export function payHandler(portoneBaseUrl: string) {
  const portone = withPortOne(axios.create({ baseURL: portoneBaseUrl }));

  return async (req: { body: { orderId: string; amount: number } }, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const order = { id: req.body.orderId, amount: req.body.amount, currency: 'KRW' };
      const res = await portone.post('/api/initiatePayment', await paymentRequest(order));
      send(200, { paid: true, status: res.portone?.status });
    } catch (error) {
      if (!isPortOneError(error)) return send(500, { message: 'Something went wrong.' });
      // A decline or a customer-actionable code: the message is safe to show as is.
      if (error.customerMessage) return send(402, { message: error.customerMessage });
      // Not final yet: the payment exists; tell the customer and let the webhook finish the order.
      if (error instanceof PortOnePendingTimeoutError) {
        return send(202, {
          message: 'Your payment is being confirmed. We will email you shortly.',
        });
      }
      // Log the redacted error for ops; never show internals to the customer.
      console.error(JSON.stringify(error.toJSON()));
      return send(error.retryable ? 503 : 400, {
        message: 'Payment could not be completed. Please try again.',
      });
    }
  };
}

runAgainstSimulator(import.meta.url, async (sim) => {
  const handler = payHandler(sim.url);
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => void handler({ body: JSON.parse(text) }, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  sim.script('POST /api/initiatePayment', [{ code: 6015 }]);
  const res = await fetch(`http://127.0.0.1:${port}/pay`, {
    method: 'POST',
    body: JSON.stringify({ orderId: 'E-1', amount: 1 }),
  });
  console.log(res.status, await res.json());
  server.close();
});
