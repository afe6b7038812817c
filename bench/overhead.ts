import { Worker } from 'node:worker_threads';
import { happyClients } from './clients.js';
import {
  createBody,
  type LoopResult,
  median,
  percentile,
  progress,
  round,
  runBounded,
  SIZES,
  TimeBudget,
} from './lib.js';

/** One client at one concurrency: medians over the rounds. */
export interface OverheadRow {
  readonly concurrency: number;
  readonly client: string;
  readonly baseline: string | undefined;
  readonly ours: boolean;
  /** Median over rounds of requests per second. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Requests that failed, over all rounds (0 expected). */
  readonly failed: number;
  /** Requests not started because a batch reached its time limit. */
  readonly cut: number;
  /** Rounds run (fewer than asked when the section's time budget ran out). */
  readonly rounds: number;
  /** Median over rounds of this client's req/s ÷ its raw client's req/s in the same round. */
  readonly ratio: number | undefined;
  readonly roundsRps: number[];
}

/** startSimulator() on a worker thread (see sim-worker.ts), loaded through tsx. */
async function startSimulatorThread(): Promise<{
  url: string;
  keepAliveRaised: boolean;
  close: () => Promise<void>;
}> {
  const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./sim-worker.ts', import.meta.url).href);
  const worker = new Worker(
    `import(${loader}).then(({ tsImport }) => tsImport(${entry}, ${JSON.stringify(import.meta.url)}))`,
    { eval: true },
  );
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const { url, keepAliveRaised } = await new Promise<{ url: string; keepAliveRaised: number }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      void exited.then((code) => reject(new Error(`simulator thread exited with ${code}`)));
    },
  );
  return {
    url,
    keepAliveRaised: keepAliveRaised > 0,
    close: async () => {
      worker.postMessage('close');
      const kill = setTimeout(() => void worker.terminate(), 3000);
      await exited;
      clearTimeout(kill);
    },
  };
}

const rpsOf = (r: LoopResult): number => (r.ok / r.elapsedMs) * 1000;

/**
 * Section 1: N successful GETs of a transaction's status through each client, at each
 * concurrency. Clients take turns within a round (the order rotates every round) and each figure
 * is the median over rounds, so drift in the machine's speed hits every client alike.
 */
export async function runOverhead(): Promise<{ rows: OverheadRow[]; keepAliveMs: number }> {
  const size = SIZES.overhead;
  const sim = await startSimulatorThread();
  try {
    const ref = 'bench-happy-path';
    const created = await fetch(`${sim.url}/api/initiatePayment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createBody(ref)),
    });
    if (!created.ok) throw new Error(`could not create the payment to read: ${created.status}`);
    await created.json();

    const clients = happyClients(sim.url, ref);
    const budget = new TimeBudget(size.budgetMs);
    for (const client of clients) {
      await runBounded({
        count: size.warmup,
        concurrency: 16,
        timeLimitMs: size.capMs,
        task: () => client.get(),
      });
    }

    const rows: OverheadRow[] = [];
    for (const [level, concurrency] of size.concurrency.entries()) {
      // Each concurrency gets its share of the budget; a round starts only if it should fit.
      const levelEnd = performance.now() + budget.leftMs / (size.concurrency.length - level);
      const results = new Map<string, LoopResult[]>(clients.map((c) => [c.name, []]));
      let lastRoundMs = 0;
      for (let r = 0; r < size.rounds; r++) {
        if (r > 0 && performance.now() + lastRoundMs > levelEnd) break;
        progress(`overhead: concurrency ${concurrency}, round ${r + 1}/${size.rounds}`);
        const roundStart = performance.now();
        for (let k = 0; k < clients.length; k++) {
          const client = clients[(k + r) % clients.length]!;
          const result = await runBounded({
            count: size.requests,
            concurrency,
            timeLimitMs: size.capMs,
            task: () => client.get(),
          });
          results.get(client.name)!.push(result);
        }
        lastRoundMs = performance.now() - roundStart;
      }
      for (const client of clients) {
        const mine = results.get(client.name)!;
        const base = client.baseline === undefined ? undefined : results.get(client.baseline)!;
        rows.push({
          concurrency,
          client: client.name,
          baseline: client.baseline,
          ours: client.ours === true,
          rps: round(median(mine.map(rpsOf)), 0),
          p50Ms: round(median(mine.map((m) => percentile(m.latencies, 50))), 3),
          p99Ms: round(median(mine.map((m) => percentile(m.latencies, 99))), 3),
          failed: mine.reduce((sum, m) => sum + m.failed, 0),
          cut: mine.reduce((sum, m) => sum + m.skipped, 0),
          rounds: mine.length,
          ratio:
            base === undefined
              ? undefined
              : round(median(mine.map((m, i) => rpsOf(m) / rpsOf(base[i]!))), 3),
          roundsRps: mine.map((m) => round(rpsOf(m), 0)),
        });
      }
    }
    return { rows, keepAliveMs: sim.keepAliveRaised ? 5000 : 1000 };
  } finally {
    await sim.close();
  }
}
