/**
 * Wrap fetch: works on Node, edge runtimes, Deno, Bun and browsers alike.
 * Run: pnpm tsx examples/fetch-checkout.ts
 */
import { isPortOneError } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { MERCHANT } from './signing.js';
import { runAgainstSimulator } from './support.js';

export function createPaymentLinks(baseUrl: string) {
  const portoneFetch = createPortOneFetch({ baseUrl });

  return async function createLink(orderId: string, amount: number) {
    const res = await portoneFetch(`${baseUrl}/api/paymentLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        portone_key: MERCHANT.key,
        merchant_order_id: orderId, // the link's merchant ref: the SDK looks the link up by it
        amount,
        currency: 'KRW',
        country_code: 'KR',
        merchant_details: { name: 'Example shop', promo_discount: 0, shipping_charges: 0 },
        success_url: 'https://shop.example/paid',
        failure_url: 'https://shop.example/failed',
        source: 'api',
        environment: 'sandbox',
        // PortOne documents no field list for a link's signature_hash: computed as your integration does.
        signature_hash: 'link-signature',
      }),
    });
    // PortOne's answer, or — when the connection dropped after PortOne made the link — the
    // link's own status, looked up by its merchant ref: `res.portone` says which.
    return { link: await res.json(), settledBy: res.portone?.settledBy };
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
