/**
 * `pnpm bench [--quick]`: every section in one run, tables on stdout. Only a full run rewrites
 * bench/RESULTS.md; `--quick` (under a minute) writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { type CostSizes, runCost } from './cost.js';
import { type FaultSizes, runAmbiguous, runOutage, runTransient } from './faults.js';
import { QUICK } from './lib.js';
import { renderReport } from './report.js';
import { runSize } from './size.js';

const COST: CostSizes = QUICK
  ? { warmupMs: 50, rounds: 2, sliceMs: 80, inFlight: 1000, imports: 1 }
  : { warmupMs: 500, rounds: 5, sliceMs: 300, inFlight: 10_000, imports: 3 };
const FAULTS: FaultSizes = QUICK
  ? { calls: 20, concurrency: 20, checkpoints: [100], limitMs: 6_000, sideBySide: true }
  : { calls: 200, concurrency: 20, checkpoints: [100, 250, 1000, 5000], limitMs: 60_000 };

// If something hangs anyway, end the run rather than a CI job.
setTimeout(
  () => {
    console.error('bench: time limit reached, giving up');
    process.exit(1);
  },
  QUICK ? 240_000 : 900_000,
).unref();

// Other work on the machine shows in every timing: the report says how busy it was.
const load = () => (loadavg()[0] ?? Number.NaN).toFixed(1);
const loadAtStart = load();
const section = async <T>(title: string, run: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const result = await run();
  console.error(`${title}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
};

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.platform}`;
const markdown = renderReport({
  cost: await section('1. cost', () => runCost(COST)),
  transient: await section('2. transient faults', () => runTransient(FAULTS)),
  outage: await section('3. outage', () => runOutage(FAULTS)),
  money: await section('4. ambiguous creates and refunds', () => runAmbiguous(FAULTS)),
  size: await section('5. size', runSize),
  // Written last, when every section is done.
  run: `\`pnpm bench${QUICK ? ' --quick' : ''}\`, finished ${new Date().toISOString().slice(0, 16).replace('T', ' ')} in ${Math.round(performance.now() / 1000)} s on ${machine}, load average ${loadAtStart} at the start and ${load()} at the end`,
});
console.log(markdown);
if (QUICK) {
  console.error('quick run: bench/RESULTS.md left as it was');
} else {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), markdown);
  console.error('wrote bench/RESULTS.md');
}
process.exit(0);
