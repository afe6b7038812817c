/**
 * `pnpm bench [--quick] [--default-tiering]`: every section in one run against startSimulator() on 127.0.0.1, then
 * bench/RESULTS.md and bench/RESULTS.json. Sections run one after another, each bounded by
 * request count and time; a watchdog ends the process if something hangs anyway.
 */
import { runAmbiguous } from './ambiguous.js';
import { runCallCost } from './call-cost.js';
import { BUDGET_IN_ENGINE } from './clients.js';
import { runFaults } from './faults.js';
import { QUICK, SIZES, steadyStateTiering } from './lib.js';
import { runOutage } from './outage.js';
import { runOverhead } from './overhead.js';
import { runPromiseCount } from './promise-count.js';
import { runBundles, runPure } from './pure.js';
import { MODE, machine, machineLine, WARNING, writeResults } from './report.js';

const watchdog = setTimeout(
  () => {
    console.error('bench: time limit reached, giving up');
    process.exit(1);
  },
  QUICK ? 120_000 : 1_500_000,
);
watchdog.unref();

// Before any worker starts: V8's flags are the process's (see steadyStateTiering).
const tiering = steadyStateTiering();
const started = performance.now();
const host = machine();
console.log(machineLine(host));
console.log(`Mode: ${MODE}. ${WARNING}\n`);

const section = async <T>(title: string, run: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  console.error(`${title}…`);
  const result = await run();
  console.error(`${title}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
};

const {
  rows: overhead,
  attribution,
  keepAliveMs,
  pinned,
} = await section('1. happy-path overhead', runOverhead);
const faults = await section('2. transient faults', runFaults);
const outage = await section('3. outage', runOutage);
const ambiguous = await section('4. ambiguous creates', runAmbiguous);
const pure = await section('5. classify + decide', runPure);
const callCost = await section('5. cost per call', runCallCost);
const promiseCount = await section('5. promises per call', runPromiseCount);
const bundles = await section('5. bundle sizes', runBundles);

const markdown = await writeResults({
  machine: host,
  mode: MODE,
  command: QUICK ? 'pnpm bench --quick' : 'pnpm bench',
  finishedAt: new Date().toISOString(),
  durationS: Math.round((performance.now() - started) / 1000),
  sizes: SIZES,
  retryBudgetInEngine: BUDGET_IN_ENGINE,
  tiering,
  overhead,
  attribution,
  keepAliveMs,
  pinned,
  faults,
  outage,
  ambiguous,
  pure,
  callCost,
  promiseCount,
  bundles,
});
console.log(markdown);
console.error('wrote bench/RESULTS.md and bench/RESULTS.json');
