/**
 * Payments that outlive a call, through both adapters: a refund whose every lookup failed stays
 * open in the engine's journal, and `reconcile(engine)` settles it later through the transport
 * the adapter registered on its engine, with the refund's own amount compared.
 */
import { createEngine, reconcile } from '@portone-retry/core';
import { type Simulator, startSimulator } from '@portone-retry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, makeClient, rejectionOf } from './support.js';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ validate: false });
});
afterEach(async () => {
  await sim.close();
});

const refund = (amount: number) => ({
  amount,
  channel: 'MOMOPAY',
  description: 'refund',
  environment: 'sandbox',
  refund_type: 'partial',
  refund_reason: 'customer asked',
});

describe.each(ADAPTERS)('%s: the journal and the reconciler', (adapter) => {
  it('leaves an ambiguous refund open, then settles it through the adapter’s own transport', async () => {
    const engine = createEngine({ policy: { minDelayMs: 1, maxDelayMs: 2, retries: 1 } });
    const client = makeClient(adapter, sim.url, { engine });
    const paid = sim.ledger.create(`J-${adapter}`, { amount: 1000 });
    sim.script('POST /api/refund/*', [{ code: 5025, processed: true }]);
    sim.script('GET /api/refund/*', [{ html: 502 }, { html: 502 }, { html: 502 }]);

    const error = await rejectionOf(
      client.post(`${sim.url}/api/refund/${paid.orderRef}`, refund(400)),
    );
    expect((error as { ambiguous?: boolean }).ambiguous).toBe(true);
    const open = await engine.unsettled();
    expect(open.map((intent) => intent.orderRef)).toEqual([paid.orderRef]);

    // Later (the proxy is fine again): no `lookup` option, the adapter's transport is used.
    const settled = await reconcile(engine);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.outcome).toMatchObject({ closed: true });
    expect(await engine.unsettled()).toEqual([]);
    expect(sim.ledger.moves('refund', paid.orderRef)).toHaveLength(1);
    expect(sim.requests('POST /api/refund/*')).toBe(1);
  });
});
