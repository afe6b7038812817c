/**
 * Nothing secret reaches a span, a span event or a metric label. The reliability suite's secret
 * generator (keys, `portone_secret`, JWTs, signature hashes, Luhn-valid cards as strings and as
 * numbers, CVVs, OTPs) is put into requests (body, headers, query string) and PortOne's answers,
 * through retries, a decline, reconciliation and polling; then everything the in-memory exporters
 * hold is searched for it, and for the raw order refs.
 */
import { createEngine, type Engine } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  envelopeWithSecrets,
  leaksIn,
  type Secrets,
  secretsArb,
  secretText,
} from '../../../test/reliability/secrets.js';
import { instrument } from '../src/index.js';
import { type Telemetry, telemetry } from './support.js';

const CREATE = 'POST /api/initiatePayment';
const NUM_RUNS = 12;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ validate: false });
});
afterAll(async () => {
  await sim.close();
});

let refs = 0;
const newRef = () => `SECRET-OTEL-${process.pid}-${++refs}`;

/** A create as a checkout backend sends it: card details, keys and signature included. */
const createBody = (s: Secrets, ref: string, cardAsNumber: boolean) => ({
  portone_key: s.key,
  portone_secret: s.secret,
  merchant_order_id: ref,
  amount: 1000,
  currency: 'KRW',
  signature_hash: s.signature,
  otp: s.otp,
  card_details: {
    card_number: cardAsNumber ? Number(s.card) : s.card,
    cvv: s.cvv,
    expiry_month: '12',
    expiry_year: '2030',
  },
  token_params: { token: s.jwt },
});

/** Every call of one scenario, with secrets wherever a request or an answer can carry them. */
async function runScenarios(engine: Engine, s: Secrets): Promise<string[]> {
  const portoneFetch = createPortOneFetch({ engine, baseUrl: sim.url });
  const headers = {
    'content-type': 'application/json',
    Authorization: `Bearer ${s.jwt}`,
    'X-Portone-Client-Key': s.key,
  };
  const query = new URLSearchParams({
    card_number: s.card,
    token: s.jwt,
    portone_key: s.key,
    note: secretText(s),
  });
  const create = (ref: string, cardAsNumber: boolean) =>
    portoneFetch(`${sim.url}/api/initiatePayment?${query}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(createBody(s, ref, cardAsNumber)),
    }).catch(() => undefined);
  const refsUsed: string[] = [];
  const ref = () => {
    const r = newRef();
    refsUsed.push(r);
    return r;
  };

  // A retryable answer quoting the secrets, then a decline quoting them again.
  const withSecrets = { raw: { status: 500, body: envelopeWithSecrets(s, '5024') } };
  sim.script(CREATE, [withSecrets, { raw: { status: 400, body: envelopeWithSecrets(s, '6014') } }]);
  await create(ref(), false);
  // The answer lost after the payment was made: reconciled by order ref.
  sim.script(CREATE, [{ reset: 'after' }]);
  await create(ref(), true);
  // A pending payment, polled until it settles.
  sim.script(CREATE, [{ pending: 1 }]);
  await create(ref(), true);
  // A read whose path carries the order ref, with secrets in its query string.
  const readRef = ref();
  sim.script(`GET /api/transaction/${readRef}/status`, [
    { raw: { status: 502, body: `<html>${secretText(s)}</html>`, contentType: 'text/html' } },
  ]);
  await portoneFetch(`${sim.url}/api/transaction/${readRef}/status?${query}`, { headers }).catch(
    () => undefined,
  );
  return refsUsed;
}

/** Everything the exporters hold, as text to search. */
async function exported(t: Telemetry): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  t.spans().forEach((span, i) => {
    out[`span ${i} (${span.name})`] = JSON.stringify({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      status: span.status,
      links: span.links,
    });
  });
  for (const [name, metric] of await t.metrics()) {
    out[`metric ${name}`] = JSON.stringify({
      descriptor: metric.descriptor,
      attributes: metric.dataPoints.map((p) => p.attributes),
    });
  }
  return out;
}

describe('secrets never reach spans or metrics', () => {
  it('in bodies, headers, query strings and answers, through retries, declines, lookups and polls', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        const t = telemetry();
        const engine = createEngine({
          breaker: true,
          policy: { retries: 2, minDelayMs: 1, maxDelayMs: 2, pollIntervalMs: 2 },
        });
        const remove = instrument(engine, {
          tracerProvider: t.tracerProvider,
          meterProvider: t.meterProvider,
        });
        try {
          const refsUsed = await runScenarios(engine, s);
          const surfaces = await exported(t);
          // The search must have something to search: every scenario left its spans.
          expect(Object.keys(surfaces).length).toBeGreaterThan(10);
          const leaks: string[] = [];
          const cardAsNumber = String(Number(s.card));
          for (const [where, text] of Object.entries(surfaces)) {
            for (const name of leaksIn(text, s)) leaks.push(`${name} in ${where}`);
            if (text.includes(cardAsNumber)) leaks.push(`card (as a number) in ${where}`);
            if (text.includes(s.secret)) leaks.push(`portone_secret in ${where}`);
            for (const ref of refsUsed) {
              if (text.includes(ref)) leaks.push(`order ref ${ref} in ${where}`);
            }
          }
          expect(leaks).toEqual([]);
        } finally {
          remove();
          await t.shutdown();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);
});
