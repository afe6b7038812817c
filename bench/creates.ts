import {
  type FaultOptions,
  type StartSimulatorOptions,
  startSimulator,
} from '@portone-retry/testing';
import { CREATE_CLIENTS, type CreateClient } from './clients.js';
import { type LoopResult, runBounded, TimeBudget } from './lib.js';

const CREATE_ROUTE = 'POST /api/initiatePayment';

/** What one client did to a fresh simulator: its loop, and what the simulator saw. */
export interface CreateRun {
  readonly client: string;
  readonly ours: boolean;
  /** Calls made (fewer than asked only when the time limit cut the loop). */
  readonly calls: number;
  readonly loop: LoopResult;
  /** Every request the simulator received (creates and status look-ups). */
  readonly requests: number;
  /** Create requests only. */
  readonly creates: number;
  /** Payments the simulator actually created. */
  readonly payments: number;
  /** Merchant order refs with at least one payment. */
  readonly orders: number;
  /** Merchant order refs with more than one payment: customers charged twice. */
  readonly duplicates: number;
}

/**
 * Runs `calls` creates with unique merchant order refs through every client, each against its
 * own fresh simulator with the same options and faults (same seed, so the same fault sequence),
 * and closes each simulator before the next.
 */
export async function runCreates(options: {
  label: string;
  simulator: StartSimulatorOptions;
  faults: FaultOptions;
  calls: number;
  concurrency: number;
  capMs: number;
  budgetMs: number;
  only?: (client: CreateClient) => boolean;
}): Promise<CreateRun[]> {
  const runs: CreateRun[] = [];
  const budget = new TimeBudget(options.budgetMs);
  const clients = CREATE_CLIENTS.filter(options.only ?? (() => true));
  for (const [index, client] of clients.entries()) {
    const sim = await startSimulator({ validate: false, ...options.simulator });
    try {
      const create = client.make(sim.url);
      sim.setFaults(options.faults);
      const loop = await runBounded({
        count: options.calls,
        concurrency: options.concurrency,
        timeLimitMs: budget.share(clients.length - index, options.capMs),
        task: (i) => create(`${options.label}-${i}`),
      });
      runs.push({
        client: client.name,
        ours: client.ours === true,
        calls: options.calls - loop.skipped,
        loop,
        requests: sim.requests(),
        creates: sim.requests(CREATE_ROUTE),
        payments: sim.ledger.total(),
        orders: new Set(sim.ledger.entries().map((p) => p.merchantOrderRef)).size,
        duplicates: sim.ledger.duplicates().length,
      });
    } finally {
      await sim.close();
    }
  }
  return runs;
}
