/**
 * Tune what happens per series, per code and per call. Every option is validated: a typo throws
 * a TypeError naming it.
 * Run: pnpm tsx examples/policy-overrides.ts
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import { createPolicy } from '@portone-retry/core';
import axios from 'axios';
import { paymentRequest } from './signing.js';
import { runAgainstSimulator } from './support.js';

export const policy = createPolicy({
  retries: 4, // retryable answers: up to 4 retries
  deadlineMs: 20_000, // a checkout answers within 20 s, retries included
  series: {
    psp: { retries: 2 }, // 8000s: fewer retries than PortOne's own 5000s
  },
  codes: {
    5000: { retries: 1 }, // PAYMENT_SYSTEM_ERROR is also used for permanent PSP validation failures
    5024: { minDelayMs: 500, maxDelayMs: 4000 }, // give a PSP link time to come back
  },
  customerMessages: {
    6014: 'Your card was declined. Try another card or pay by bank transfer.',
  },
});

export function createClient(baseURL: string) {
  return withPortOne(axios.create({ baseURL }), { policy });
}

runAgainstSimulator(import.meta.url, async (sim) => {
  const client = createClient(sim.url);
  sim.script('POST /api/initiatePayment', [{ code: 6014 }]);
  const order = { id: 'P-1', amount: 25_000, currency: 'KRW' };
  const error = await client
    .post('/api/initiatePayment', await paymentRequest(order))
    .catch((e: Error & { customerMessage?: string }) => e);
  console.log((error as { customerMessage?: string }).customerMessage);
  try {
    createPolicy({ codes: { 5024: { retries: -1 } } });
  } catch (e) {
    console.log(String(e));
  }
});
