/**
 * `pnpm bench:pair <raw client> <client> [--concurrency 16] [--rounds 30]`: one client side by
 * side with another (section 1's method, alone), for checking one change in about a minute.
 * Client names are those of bench/clients.ts, e.g. `fetch` and `ours: createPortOneFetch`.
 * Measures the built dist: run `pnpm build` first.
 */
import { parseArgs } from 'node:util';
import { happyClients } from './clients.js';
import { createPaymentToRead, percentile, round } from './lib.js';
import { startClientThread, startSimulatorProcess } from './overhead.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '30' },
    window: { type: 'string', default: '300' },
  },
});
const [rawName, clientName] = positionals;
const names = happyClients('http://127.0.0.1:9', 'x').map((c) => c.name);
if (
  rawName === undefined ||
  clientName === undefined ||
  ![rawName, clientName].every((n) => names.includes(n))
) {
  console.error(`usage: pnpm bench:pair <raw client> <client>; clients: ${names.join(', ')}`);
  process.exit(2);
}
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const windowMs = Number(values.window);

const sim = await startSimulatorProcess();
try {
  const ref = 'bench-pair';
  await createPaymentToRead(sim.url, ref);
  const raw = await startClientThread({ baseUrl: sim.url, ref, client: rawName });
  const client = await startClientThread({ baseUrl: sim.url, ref, client: clientName });
  const warmup = { count: 3000, concurrency: 16, timeLimitMs: 16_000 };
  await Promise.all([raw.batch(warmup), client.batch(warmup)]);
  const window = { count: Number.MAX_SAFE_INTEGER, concurrency, timeLimitMs: windowMs };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Which side starts first alternates, as in section 1.
    const [a, b] = await Promise.all(
      r % 2 === 0
        ? [raw.batch(window), client.batch(window)]
        : [client.batch(window), raw.batch(window)],
    );
    const [rawResult, result] = r % 2 === 0 ? [a, b] : [b, a];
    ratios.push(result.ok / result.elapsedMs / (rawResult.ok / rawResult.elapsedMs));
  }
  ratios.sort((x, y) => x - y);
  const at = (p: number) => round(percentile(ratios, p), 3);
  console.log(
    `${clientName} ÷ ${rawName}, side by side at concurrency ${concurrency}: median ${at(50)} (middle half ${at(25)}–${at(75)}, ${rounds} rounds of ${windowMs} ms)`,
  );
  await raw.close();
  await client.close();
} finally {
  await sim.close();
}
