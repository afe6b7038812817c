/**
 * `pnpm bench:pair <raw client> <client> [--concurrency 16] [--blocks 6] [--rounds 3] [--warmup N] [--turns 2] [--default-tiering]`: one
 * client side by side with another (section 1's method, alone), for checking one change in
 * about half a minute.
 * Client names are those of bench/clients.ts, e.g. `fetch` and `ours: createPortOneFetch`, and
 * the probes made for this command (`probeClients`), e.g. `probe: the engine with the least
 * operation`.
 * Measures the built dist: run `pnpm build` first.
 */
import { parseArgs } from 'node:util';
import { type HappyClient, pairableClients } from './clients.js';
import { createPaymentToRead, SIZES, steadyStateTiering } from './lib.js';
import {
  type PairSizes,
  sideBySide,
  startClientThread,
  startSimulatorProcess,
} from './overhead.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '16' },
    blocks: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
    window: { type: 'string', default: '300' },
    warmup: { type: 'string', default: String(SIZES.overhead.pairWarmup) },
    turns: { type: 'string', default: '2' },
    'default-tiering': { type: 'boolean', default: false },
  },
});
const tiering = steadyStateTiering();
console.error(`V8 tiering: ${tiering ?? "V8's defaults"}`);
const [rawName, clientName] = positionals;
const all = pairableClients('http://127.0.0.1:9', 'x');
const raw = all.find((c) => c.name === rawName);
const client = all.find((c) => c.name === clientName);
if (raw === undefined || client === undefined) {
  console.error(
    `usage: pnpm bench:pair <raw client> <client>; clients: ${all.map((c) => c.name).join(', ')}`,
  );
  process.exit(2);
}
const concurrency = Number(values.concurrency);
const size: PairSizes = {
  pairBlocks: Number(values.blocks),
  pairRoundsPerBlock: Number(values.rounds),
  pairWindowMs: Number(values.window),
  pairBudgetMs: 600_000,
  pairWarmup: Number(values.warmup),
  capMs: SIZES.overhead.capMs,
  pairAloneTurns: Number(values.turns),
};

const sim = await startSimulatorProcess();
try {
  const ref = 'bench-pair';
  await createPaymentToRead(sim.url, ref);
  // The client is raced against the other as against its raw client, whatever its own baseline.
  const pair: HappyClient[] = [
    { name: raw.name, get: raw.get },
    { name: client.name, baseline: raw.name, get: client.get },
  ];
  const results = await sideBySide(
    pair,
    concurrency,
    (c) => startClientThread({ baseUrl: sim.url, ref, client: c.name }),
    size,
  );
  const result = results.get(client.name)!;
  console.log(
    `${client.name} ÷ ${raw.name}, side by side at concurrency ${concurrency}: median ${result.ratio} (middle half ${result.iqr[0]}–${result.iqr[1]}, ${result.rounds} rounds of ${size.pairWindowMs} ms in ${size.pairBlocks} blocks of fresh threads)`,
  );
  // How far blocks (fresh threads) land from each other: the bench's resolution.
  console.log(`median of each block: ${result.blockMedians.map((r) => r.toFixed(3)).join(', ')}`);
  if (result.interval !== undefined) {
    console.log(
      `90 % interval of the median (blocks drawn again): ${result.interval[0]}–${result.interval[1]}`,
    );
  }
  if (result.cpuRatio !== undefined && result.cpuShare !== undefined) {
    console.log(
      `CPU per request, ${raw.name}'s ÷ ${client.name}'s: median ${result.cpuRatio} (${client.name} had ${(result.cpuShare * 100).toFixed(1)} % of the two threads' CPU time)`,
    );
  }
  if (result.alone !== undefined) {
    const { alone } = result;
    console.log(
      `each alone, in turns (the same threads): median ${alone.ratio} (middle half ${alone.iqr[0]}–${alone.iqr[1]}, ${alone.pairs} pairs of turns); blocks: ${alone.blockMedians.map((r) => r.toFixed(3)).join(', ')}${alone.cpuRatio === undefined ? '' : `; CPU per request ${alone.cpuRatio}`}`,
    );
  }
} finally {
  await sim.close();
}
