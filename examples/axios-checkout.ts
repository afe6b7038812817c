/**
 * Wrap the axios instance your checkout already uses. One line; the rest of your code is unchanged.
 * Run: pnpm tsx examples/axios-checkout.ts
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import { isPortOneError, PortOneCardError } from '@portone-retry/core';
import axios from 'axios';
import { paymentRequest } from './signing.js';
import { runAgainstSimulator } from './support.js';

export interface Order {
  id: string;
  amount: number;
  currency: string;
}

export function createCheckout(baseURL: string) {
  // The one line: every call to PortOne through this instance is now safe to retry.
  const portone = withPortOne(axios.create({ baseURL, timeout: 10_000 }));

  return async function pay(order: Order) {
    try {
      const res = await portone.post('/api/initiatePayment', await paymentRequest(order));
      // How it was settled (PortOne's answer, a lookup, a poll or a webhook), whatever the body.
      return { ok: true as const, settlement: res.portone };
    } catch (error) {
      if (error instanceof PortOneCardError)
        return { ok: false as const, message: error.customerMessage };
      if (isPortOneError(error))
        return { ok: false as const, message: 'Payment failed. Please try again later.', error };
      throw error;
    }
  };
}

runAgainstSimulator(import.meta.url, async (sim) => {
  const pay = createCheckout(sim.url);
  sim.script('POST /api/initiatePayment', [{ code: 5024 }]);
  console.log(await pay({ id: 'ORDER-1', amount: 25_000, currency: 'KRW' }));
  sim.script('POST /api/initiatePayment', [{ code: 6013 }]);
  console.log(await pay({ id: 'ORDER-2', amount: 25_000, currency: 'KRW' }));
});
