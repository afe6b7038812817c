/**
 * Wrap fetch: works on Node, edge runtimes, Deno, Bun and browsers alike.
 * Run: pnpm tsx examples/fetch-checkout.ts
 */
import { isPortOneError } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { runAgainstSimulator } from './support.js';

export function createPaymentLinks(baseUrl: string) {
  const portoneFetch = createPortOneFetch({ baseUrl });

  return async function createLink(orderId: string, amount: number): Promise<string> {
    const res = await portoneFetch(`${baseUrl}/api/paymentLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ merchant_order_id: orderId, amount, currency: 'KRW' }),
    });
    const body = (await res.json()) as { redirect_url?: string; content?: { order_ref?: string } };
    return body.redirect_url ?? `order ${body.content?.order_ref ?? orderId}`;
  };
}

runAgainstSimulator(import.meta.url, async (sim) => {
  const createLink = createPaymentLinks(sim.url);
  sim.script('POST /api/paymentLink', [{ reset: 'after' }]);
  console.log(await createLink('LINK-1', 10_000));
  sim.script('POST /api/paymentLink', [{ code: 4001 }]);
  console.log(
    await createLink('LINK-2', -1).catch((error) =>
      isPortOneError(error) ? error.toJSON() : error,
    ),
  );
});
