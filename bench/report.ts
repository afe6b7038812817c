import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { AmbiguousRow } from './ambiguous.js';
import { AMBIGUOUS } from './ambiguous.js';
import type { AttributionRow } from './attribution.js';
import type { CallCostRow } from './call-cost.js';
import { MAX_DELAY_MS, MIN_DELAY_MS, RETRIES, underTarget } from './clients.js';
import { FAULTS, type FaultRow } from './faults.js';
import { QUICK, SIZES } from './lib.js';
import { OUTAGE, type OutageRow } from './outage.js';
import type { AloneResult, OverheadRow } from './overhead.js';
import type { PromiseRow } from './promise-count.js';
import type { BundleRow, PureRow } from './pure.js';

/** The ratio of our adapters to their raw client that the happy path aims for. */
export const TARGET_RATIO = 0.95;

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
}

export interface Results {
  readonly machine: Machine;
  readonly mode: 'quick' | 'full';
  readonly command: string;
  readonly finishedAt: string;
  readonly durationS: number;
  readonly sizes: typeof SIZES;
  /** Whether the engine measured had a retry budget (see section 3). */
  readonly retryBudgetInEngine: boolean;
  /** The V8 flag the run's threads had for tiering up (see steadyStateTiering), if any. */
  readonly tiering: string | undefined;
  readonly overhead: OverheadRow[];
  /** Section 1's profiles (absent from results written before they were taken). */
  readonly attribution?: AttributionRow[];
  /** Keep-alive of the happy-path simulator's server, ms (see sim-process.ts). */
  readonly keepAliveMs: number;
  /** How the happy-path section placed clients and simulator on cores, if it could pin them. */
  readonly pinned: string | undefined;
  readonly faults: FaultRow[];
  readonly outage: OutageRow[];
  readonly ambiguous: AmbiguousRow[];
  readonly pure: PureRow[];
  readonly callCost: CallCostRow[];
  readonly promiseCount: PromiseRow[];
  readonly bundles: BundleRow[];
}

export function machine(): Machine {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export const WARNING =
  'Absolute figures vary between runs and machines (a shared or busy machine moves them a lot); ' +
  'the ratios between clients measured side by side in the same run are the result.';

export function machineLine(m: Machine): string {
  return `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}`;
}

function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>) {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  const align = head.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(head), line(align), ...rows.map(line)].join('\n');
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const name = (client: string, ours: boolean) => (ours ? `**${client}**` : client);

function ratioCell(row: OverheadRow): string {
  if (row.baseline === undefined) return '1 (raw)';
  if (row.pair === undefined) return '';
  const ratio = row.pair.ratio;
  if (!underTarget(row)) return ratio.toFixed(3);
  return `**${ratio.toFixed(3)}** ${VERDICT_MARK[targetVerdict(row.pair)]}`;
}

/**
 * What a row under the target says of it: `met` (its median is at least 0.95), `unresolved` (below,
 * but the run cannot tell it from 0.95: 0.95 is within its 90 % interval, or it has none, from a
 * single block), or `missed` (its whole interval is below 0.95).
 */
export type TargetVerdict = 'met' | 'unresolved' | 'missed';

export function targetVerdict(pair: {
  readonly ratio: number;
  readonly interval?: readonly [number, number];
}): TargetVerdict {
  if (pair.ratio >= TARGET_RATIO) return 'met';
  return pair.interval === undefined || pair.interval[1] >= TARGET_RATIO ? 'unresolved' : 'missed';
}

const VERDICT_MARK: Record<TargetVerdict, string> = {
  met: '✅',
  unresolved: '⚠️ below 0.95, not resolved from it',
  missed: '❌ below 0.95',
};

/** Section 1's tally of the target's cells, e.g. "met in 5 of 6 cells; 1 not resolved from 0.95". */
export function targetTally(rows: readonly OverheadRow[]): string {
  const pairs = rows.flatMap((r) => (underTarget(r) && r.pair ? [r.pair] : []));
  const verdicts = pairs.map(targetVerdict);
  if (verdicts.length === 0) return '';
  const count = (v: TargetVerdict) => verdicts.filter((x) => x === v).length;
  const parts = [`met in ${count('met')} of ${verdicts.length} cells`];
  if (count('unresolved') > 0) {
    const single = pairs.some((p, i) => verdicts[i] === 'unresolved' && p.interval === undefined);
    parts.push(
      `${count('unresolved')} below it but not resolved from it (0.95 within the cell's 90 % interval${single ? ', or a single block, which has none' : ''})`,
    );
  }
  if (count('missed') > 0) parts.push(`${count('missed')} below it beyond the run's resolution`);
  return `**The target (≥ ${TARGET_RATIO} of raw, side by side): ${parts.join('; ')}.**\n`;
}

const span = (iqr: readonly [number, number] | undefined) =>
  iqr === undefined ? '' : `${iqr[0].toFixed(2)}–${iqr[1].toFixed(2)}`;

function aloneCell(alone: AloneResult | undefined): string {
  if (alone === undefined) return '';
  const cpu = alone.cpuRatio === undefined ? '' : `; ${alone.cpuRatio.toFixed(3)}`;
  return `${alone.ratio.toFixed(3)} (${span(alone.iqr)}${cpu})`;
}

/** Within this many µs per call of the reference, ours does the same work (about a pass's spread in 5c). */
const SAME_WORK_US = 0.25;

/**
 * What section 5c says of our fetch adapter beside the reference with a real timeout, in CPU per
 * call without the network: the figure to read section 1's gap between the two against.
 */
export function perCallBesideReference(callCost: readonly CallCostRow[]): string {
  const referenceRow = callCost.find((r) => r.reference);
  // Ours is the row over the same transport as the reference.
  const ours = callCost.find(
    (r) => !r.reference && r.baseline !== undefined && r.baseline === referenceRow?.baseline,
  )?.overheadUs;
  const reference = referenceRow?.overheadUs;
  if (ours === undefined || reference === undefined) return '';
  const verdict =
    ours <= reference + SAME_WORK_US
      ? 'ours does no more work per call than the reference, so what separates the two in the table is not the work each does per call but how each runs beside a real transport'
      : `ours does ${(ours - reference).toFixed(2)} µs more work per call than the reference`;
  return `Without the network (section 5, *cost per call*), our fetch adapter adds ${ours.toFixed(2)} µs per call to its transport and the reference with a real timeout ${reference.toFixed(2)} µs: ${verdict}.
`;
}

/** The blocks the pairs under the target run beyond the others', for section 1's prose. */
export function targetBlocksNote(size: {
  readonly pairBlocks: number;
  readonly pairTargetBlocks?: number;
}): string {
  const more = (size.pairTargetBlocks ?? 0) - size.pairBlocks;
  if (more <= 0) return '';
  return ` (the two pairs the target is set for, our adapters with their default options, race side by side in up to ${more} block${more > 1 ? 's' : ''} more, with no turns alone: their *rounds* count them, and their figures resolve finer than the other rows')`;
}

/** How the run's threads tiered up, for section 1's prose. */
export function tieringNote(tiering: string | undefined): string {
  if (tiering === undefined) {
    return "V8 tiered up with its defaults (`--default-tiering`): a fresh thread's hot functions may not all be optimised within its warm-up, and a client with more code is further from that.";
  }
  return `Every thread ran with \`${tiering}\` (set once for the whole process, every client alike; \`--default-tiering\` leaves V8's defaults): TurboFan optimises a function after a quarter of the bytecode run it waits for by default, so fresh threads reach within their warm-up the steady state a long-running checkout backend is in, every hot function optimised. With the default, a client with more code is measured further from it (our engine's probe ÷ the least hand-written layer at concurrency 16: 0.946 after 1000 warm-up requests, 1.000 after 30 000).`;
}

function overheadSection(
  rows: readonly OverheadRow[],
  attribution: readonly AttributionRow[] | undefined,
  keepAliveMs: number,
  pinned: string | undefined,
  callCost: readonly CallCostRow[],
  tiering: string | undefined,
): string {
  const size = SIZES.overhead;
  return `## 1. Happy-path overhead

Every request is a \`GET /api/transaction/{ref}/status\` of a payment created beforehand, body
read (JSON). The simulator runs in a process of its own${
    pinned === undefined ? '' : ` (pinned with taskset: ${pinned})`
  }, and each client in a worker thread of its own
(its own heap, JIT and connection pool: no client pays for another's garbage), with a ${keepAliveMs / 1000} s keep-alive${
    keepAliveMs > 1000
      ? " (raised from the simulator's 1 s: with `Keep-Alive: timeout=1` undici's fetch opens a new connection per request, see bench/sim-process.ts)"
      : ' (could not be raised: fetch-based clients open a new connection per request)'
  }.
Our adapters run with their default options, from their built \`dist\` as a user installs them
(\`pnpm bench\` first builds any package whose dist is older than its sources; bench/tsconfig.json has no paths to the sources). ${tieringNote(tiering)} Each client is
measured three ways:

- **Side by side** (the target, ≥ ${TARGET_RATIO}): the client and its raw client (axios, or fetch) run
  at the same time without pause, sharing the clients' core, so whatever the machine does it
  does to both. Each thread counts the requests it completes in shared memory, and the counts are
  read together at the edges of back-to-back ${size.pairWindowMs} ms windows: a round's ratio is the client's
  count ÷ the raw client's over the same wall-clock window, with both at full concurrency all
  through it (no thread starts late or finishes its last requests alone). Each pair runs alone,
  on two fresh threads of its own warmed up together with ${size.pairWarmup} requests each, for
  ${size.pairRoundsPerBlock} rounds, in up to ${size.pairBlocks} such block${size.pairBlocks > 1 ? 's' : ''} per concurrency${targetBlocksNote(size)} (fewer if the
  ${size.pairBudgetMs / 1000} s budget per concurrency runs out): how V8 happens to optimise one thread moves its speed by several
  percent for as long as it lives, and fresh threads per block spread that over the result.
  Which thread is made first (and starts first) alternates from block to block. **vs raw** is
  the median over all the pair's rounds. On a busy core the ratio is that of what a request
  costs each client in CPU, if the scheduler splits the core evenly: each thread's time on the
  CPU is read at the same edges (Linux's schedstat), and *CPU per request vs raw* is the raw
  thread's CPU time per request ÷ the client's (median over rounds), with the client thread's
  share of the two threads' CPU time beside it. A share near 50 % and the two ratios agreeing
  say the side-by-side ratio is the cost of a request, not the scheduler's doing.
- **Each alone, in turns** (the same two threads, after their side-by-side rounds): each thread
  requests alone on the clients' core for one ${size.pairWindowMs} ms window (counted once all its workers are
  busy; it finishes its requests in flight before the other starts), in the order raw, client,
  client, raw, ${size.pairAloneTurns ?? 0} pair${size.pairAloneTurns === 1 ? '' : 's'} of turns per block. *vs raw, each alone* is the median over all the pair's
  turns of the client's req/s ÷ the raw client's in the turn beside it, with the CPU per request
  ratio beside it. Side by side, the two threads take turns on the core every few milliseconds,
  and each evicts the other's code and data from the CPU's caches; alone, a thread keeps them, as
  a client in an application of its own does. The same threads measured both ways say how much of
  a side-by-side gap is that sharing; a drift of the machine's speed between turns is not
  cancelled, so these ratios scatter more.
- **In turns**: each client alone, batches of ${size.requests} requests bounded at ${size.capMs / 1000} s, every client one batch
  per round in an order that rotates, in ${size.blocks} block${size.blocks > 1 ? 's' : ''} on fresh threads warmed up with ${size.warmup}
  requests (${size.budgetMs / 1000} s budget). req/s (over all batches) and p50/p99 (over every request) come from
  these runs (their ratios, which scatter the most, are in RESULTS.json).

*Middle half of rounds* is the 25th to 75th percentile of the side-by-side rounds' ratios;
*blocks' medians* runs from the lowest to the highest median of one block's rounds: two fresh
threads keep their difference for their whole life, so this spread, not the rounds', is what the
result can resolve. *90 % interval* is where the median could as well have landed given that
spread: the blocks drawn again with replacement, 2000 times (seeded), the 5th to 95th percentile
of the median over their rounds. A row under the target whose median is below 0.95 is marked ⚠️
when 0.95 is within its interval (the run cannot tell it from 0.95; so too with a single block,
which has no interval) and ❌ when it is not. The interval counts only how this run's blocks
spread: the machine's state also drifts from one run to the next, by more than that (our fetch
adapter at concurrency 64 measured 0.972, 0.937, 0.947 and 0.949 in four full runs on one machine on
2026-12-04), so a cell within
a few hundredths of 0.95 can land either side of it in another run. For
the scale of what remains, axios + axios-retry adds two interceptors and nothing else on the
happy path: how far its ratio lands from 1 is about how far a near-zero overhead can land on the
machine of the run. Section 5's *cost per call* measures our overhead without the network. The
row marked *option* shows what a non-default option costs: \`cancelOnTimeout: true\` gives every
attempt an AbortSignal, which Node 20's fetch follows at a price.

${size.pairReferences ? '' : 'In this quick run the rows marked *reference* and *option* are measured in turns only, not raced side by side.\n\n'}The three rows marked *reference* are no tools to pick. *fetch, a second copy* is the raw client
raced against itself, in a thread of its own: no difference at all, so its ratio's distance from 1
is what this run can resolve. *fetch in a minimal wrapper* is the least a layer that classifies
PortOne's answers does, written by hand (one timer, the body read as text and parsed, the code
checked; bench/clients.ts), handing back the parsed body: the gap between it and fetch is what
reading the answer before handing it back costs any such layer. *…, with a real timeout, handing
back a Response* is that wrapper with two guarantees of ours: it hands back what fetch (and our
fetch adapter) hands back, a Response, as the cheapest one there is (an object over the body
already parsed, its prototype chained to \`Response.prototype\`; no stream, no copy), and its
timeout holds without the transport's help (a fetch that never answers is abandoned when its timer
fires, as our adapter does by default), so the caller's promise is one of its own, raced against
the timer. It is the least a layer with those guarantees costs: the gap between the two wrappers is
what the guarantees cost, and the gap between it and our fetch adapter is what our engine and
adapter add beyond them.

${table(
  [
    'concurrency',
    'client',
    'req/s',
    'p50 ms',
    'p99 ms',
    'vs raw (side by side)',
    'middle half of rounds',
    'blocks’ medians',
    '90 % interval',
    'CPU per request vs raw (CPU share)',
    'rounds',
    'vs raw, each alone (middle half; CPU per request)',
    'failed / cut',
  ],
  rows.map((r) => [
    r.concurrency,
    r.option
      ? `${r.client} *(option)*`
      : r.reference
        ? `${r.client} *(reference)*`
        : name(r.client, r.ours),
    r.rps,
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
    ratioCell(r),
    span(r.pair?.iqr),
    r.pair === undefined || r.pair.blockMedians.length === 0
      ? ''
      : span([Math.min(...r.pair.blockMedians), Math.max(...r.pair.blockMedians)]),
    span(r.pair?.interval),
    r.pair?.cpuRatio === undefined || r.pair.cpuShare === undefined
      ? ''
      : `${r.pair.cpuRatio.toFixed(3)} (${(r.pair.cpuShare * 100).toFixed(1)} %)`,
    r.pair === undefined
      ? r.rounds
      : `${r.pair.rounds}${r.pair.alone === undefined ? '' : ` + ${r.pair.alone.pairs} alone`} (+ ${r.rounds} in turns)`,
    aloneCell(r.pair?.alone),
    `${r.failed + (r.pair?.failed ?? 0)} / ${r.cut}`,
  ]),
)}

${targetTally(rows)}
${perCallBesideReference(callCost)}${profilesSection(attribution)}`;
}

/**
 * What the profiles say of our code's share, for section 1: the range over our rows and what it
 * bounds by our code's own work, e.g. "took 3.5–4.2 % ... at least 0.958".
 */
export function attributionSummary(rows: readonly AttributionRow[]): string {
  const shares = rows.filter((r) => r.ours && r.busySamples > 0).map((r) => r.oursShare);
  if (shares.length === 0) return '';
  const low = Math.min(...shares);
  const high = Math.max(...shares);
  const range = low === high ? pct(low) : `${(low * 100).toFixed(1)}–${pct(high)}`;
  const bound = 1 - high;
  return `**Our code took ${range} of a busy thread's samples**, parsing the answer included (which the raw client does too, in its transport's share): by its own work, a CPU-bound thread of ours does at least ${bound.toFixed(3)} of the requests per second of its raw client${
    bound >= TARGET_RATIO
      ? `, within the ${TARGET_RATIO} the target allows`
      : `, short of the ${TARGET_RATIO} the target asks`
  }. What our code makes others do is in the other columns: a GC share well above the raw client's beside it would be garbage ours leaves. *Busy µs per request* comes from two different threads, each with its own JIT and heap, so it scatters as the ratios measured alone do.
`;
}

/** Section 1's word on profiles in a run that took none (a quick one). */
const NO_PROFILES =
  "This run took no profiles of where a thread's CPU goes: its threads are warmed up too briefly to be near their steady state. A full run (`pnpm bench`) takes them.\n";

/**
 * Section 1's profiles: none for results written before profiles were taken, a word that a quick
 * run took none, or the table.
 */
export function profilesSection(rows: readonly AttributionRow[] | undefined): string {
  if (rows === undefined) return '';
  return `\n${rows.length === 0 ? NO_PROFILES : attributionSection(rows)}`;
}

/** Our largest frames in one row, e.g. "afterReading 1.6 %, exchange 0.8 %". */
const topFrames = (row: AttributionRow, count = 3): string =>
  row.oursTop
    .slice(0, count)
    .map((t) => `${t.frame.replace(/ \(.*\)$/, '')} ${pct(t.share)}`)
    .join(', ');

export function attributionSection(rows: readonly AttributionRow[]): string {
  if (rows.length === 0) return '';
  const size = SIZES.overhead;
  return `### Where a thread's CPU goes (each alone, profiled)

Each of our adapters with its default options, and its raw client, ran alone on a fresh thread
(warmed up with ${size.pairWarmup} requests) for ${size.profileWindowMs / 1000} s at each concurrency under V8's sampling profiler
(a sample every ${size.profileIntervalUs} µs, taken in the thread itself). A sample belongs to the nearest frame on
its stack whose script is a package's: ours (our packages' \`dist\`, with p-retry and
eventemitter3), so that what our code calls (timers, promises, JSON.parse, which V8 counts in its
caller) is ours, or the transport's (undici's fetch, axios, and Node's HTTP and socket code they
run on). Our largest functions are where the answer is parsed (the fetch adapter's
\`afterReading\`, the axios adapter's \`toAttempt\`; the raw clients parse it in their
transport). *Event loop and the rest* is everything under neither (the event loop, the microtask
queue, the bench's own request loop). Shares are of the samples the thread was busy. They come
from one thread's own seconds, so the machine's drift, and how two threads share a core, which
move the side-by-side ratio, do not move them.

${table(
  [
    'concurrency',
    'client',
    'requests',
    'busy µs per request',
    'our code',
    'our largest functions',
    'transport',
    'GC',
    'event loop and the rest',
  ],
  rows.map((r) => [
    r.concurrency,
    name(r.client, r.ours),
    r.failed > 0 ? `${r.requests} (${r.failed} failed)` : r.requests,
    r.busyUsPerRequest ?? '',
    r.ours ? `**${pct(r.oursShare)}**` : '',
    r.ours ? topFrames(r) : '',
    pct(r.transportShare),
    pct(r.gcShare),
    pct(r.restShare),
  ]),
)}

${attributionSummary(rows)}`;
}

function faultsSection(rows: readonly FaultRow[]): string {
  return `## 2. Recovery under transient faults

\`setFaults(${JSON.stringify(FAULTS)})\`: 30 % of creates answer 5024 PSP_COMMUNICATION_ERROR
(HTTP 500, nothing created). ${SIZES.faults.calls} creates with unique \`merchant_order_id\` per client,
${SIZES.faults.concurrency} at a time, each client against its own simulator with the same seed. Every
retrying client gets ${RETRIES} retries: ours \`{ retries: ${RETRIES}, minDelayMs: ${MIN_DELAY_MS}, maxDelayMs: ${MAX_DELAY_MS} }\`;
axios-retry with full-jitter delays of the same base and cap and a \`retryCondition\` that retries
network errors and 5xx whatever the method (POST included); p-retry around fetch with
\`minTimeout ${MIN_DELAY_MS}, maxTimeout ${MAX_DELAY_MS}, factor 2, randomize\` (p-retry has no full
jitter, so its waits are longer: that is most of its latency gap). Expected success with 3 retries: 1 − 0.3⁴ ≈ 99.2 %.

${table(
  ['client', 'success', 'creates / call', 'requests / call', 'p50 ms', 'p99 ms', 'charged twice'],
  rows.map((r) => [
    name(r.client, r.ours),
    pct(r.successRate),
    r.createsPerCall.toFixed(2),
    r.requestsPerCall.toFixed(2),
    r.p50Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    r.duplicates,
  ]),
)}

*creates / call* is \`sim.requests('POST /api/initiatePayment') ÷ calls\` (1 + retries spent);
*requests / call* is \`sim.requests() ÷ calls\`: ours looks the order up by its ref
(\`GET /api/transaction/{ref}/status\`) before it re-sends a create, so each retry costs it one
extra read.
`;
}

function budgetNote(): string {
  return `> **Note:** our adapters run with the engine's default retry budget: a token bucket shared
> by the engine's calls (AWS standard mode: 500 tokens, 5 per retry), spent by retries and
> refunded by successes. Once it is empty a retryable failure fails at once, so ours amplifies
> less the longer an outage lasts (the figure depends on the number of calls, ${SIZES.outage.calls}
> here; the goal is ≤ 1.1×). The row \`budget: false\` shows our plain retry count: 1 + ${RETRIES}
> creates per call like the others, plus one status look-up before each re-send. axios-retry
> and p-retry have no budget.`;
}

function outageSection(rows: readonly OutageRow[]): string {
  return `## 3. Outage

\`setFaults(${JSON.stringify(OUTAGE)})\`: every create answers 5000 PAYMENT_SYSTEM_ERROR (HTTP 500).
${SIZES.outage.calls} calls per client. Retry amplification = requests PortOne receives ÷ calls the
merchant made.

${table(
  ['client', 'calls', 'failed', 'creates ÷ calls', 'all requests ÷ calls', 'p50 ms to fail'],
  rows.map((r) => [
    name(r.client, r.ours),
    r.calls,
    r.failed,
    r.createAmplification.toFixed(2),
    r.requestAmplification.toFixed(2),
    r.p50Ms.toFixed(1),
  ]),
)}

${budgetNote()}
`;
}

function ambiguousSection(rows: readonly AmbiguousRow[]): string {
  return `## 4. Ambiguous creates (connection dropped after the payment was made)

A simulator with **\`dedupe: false\`** and \`setFaults(${JSON.stringify(AMBIGUOUS)})\`: 30 % of
creates are processed, then the connection is dropped before the answer ("process the payment,
then drop the connection"). ${SIZES.ambiguous.calls} creates with unique \`merchant_order_id\` per client.

> **Why \`dedupe: false\`:** real PortOne refuses a repeated \`merchant_order_id\` with 4002. With
> \`dedupe: false\` the simulator lets a blind re-send create a second payment, which is the point of
> this comparison: it shows what a client that re-sends blindly would do to customers without
> that guard (or with any endpoint, PSP or order ref that lacks it). axios-retry is configured to
> retry POST on network errors; p-retry retries fetch's network error. Ours reconciles by order
> ref: it looks the payment up before re-sending, so it must show 0 charged twice.

${table(
  [
    'client',
    'calls',
    'completed',
    'payments created',
    'orders charged twice',
    'paid but call failed',
    'requests / call',
  ],
  rows.map((r) => [
    name(r.client, r.ours),
    r.calls,
    r.completed,
    r.payments,
    r.duplicates === 0 ? '0' : `**${r.duplicates}**`,
    r.paidButFailed,
    r.requestsPerCall.toFixed(2),
  ]),
)}

*orders charged twice* is \`sim.ledger.duplicates().length\`; *paid but call failed* counts orders
with a payment whose call still rejected (the merchant lost track of a real payment).
`;
}

function pureSection(
  pure: readonly PureRow[],
  callCost: readonly CallCostRow[],
  promiseCount: readonly PromiseRow[],
  bundles: readonly BundleRow[],
): string {
  return `## 5. Pure-part cost and bundle size

\`classify\` and \`decide\` from \`@portone-retry/core\`, timed with tinybench (each sample runs a batch of
${SIZES.pure.batch} calls; ns/op is the batch mean ÷ ${SIZES.pure.batch}).

${table(
  ['task', 'ns/op', '± %', 'samples'],
  pure.map((r) => [r.task, r.nsPerOp.toFixed(1), r.rme.toFixed(2), r.samples]),
)}

What one successful call costs in CPU without the network: each client over a transport that
answers at once (a fetch handing back one prebuilt answer: status, headers, a body read as text,
so that its own cost, about a microsecond, does not bury what a layer adds; an axios adapter that
hands back the raw text), beside that transport alone, in passes that take the tasks in turn (medians
over passes). *Beyond the transport* is the median of the per-pass differences: for ours, the
engine, the classification and the adapter. It is the figure the happy-path ratios of section 1
rest on, free of the loopback's noise. The row marked *reference* is section 1's least layer with
our guarantees (one timer, the body parsed and checked, a Response handed back) over the same
transport: what such a layer cannot avoid costing, beside what ours costs.

${table(
  ['task', 'µs/call', 'spread µs', 'passes', 'beyond the transport'],
  callCost.map((r) => [
    r.reference ? `${r.task} *(reference)*` : r.task,
    r.usPerCall.toFixed(2),
    r.spreadUs.toFixed(2),
    r.passes,
    r.overheadUs === undefined ? '' : `${r.overheadUs.toFixed(2)} µs`,
  ]),
)}

Promises one successful read creates through each client, counted with an async hook over a
simulator in the bench's own process (its promises count for every client alike). The count is
the same on every machine and every run: every promise is an allocation and a hop of the
microtask queue, and in an app with AsyncLocalStorage or tracing a hook call too.
test/reliability/hot-path.test.ts holds ours to it.

${table(
  ['client', 'promises per call', 'beyond its raw client'],
  promiseCount.map((r) => [
    r.client.startsWith('ours') ? `**${r.client}**` : r.client,
    r.promises,
    r.beyondRaw === undefined ? '' : `+${r.beyondRaw}`,
  ]),
)}

Bundles built with esbuild's build API (\`bundle: true, minify: true, format: 'esm'\`), each with its
own dependencies (core brings eventemitter3 and p-retry; it signs tokens with Web Crypto, no JWT
library); axios stays external; gzip level 9 with zlib. Our packages
are bundled from their sources (the root tsconfig's paths).

${table(
  ['bundle', 'platform', 'minified', 'gzip'],
  bundles.map((r) => [r.bundle, r.platform, kib(r.minifiedBytes), kib(r.gzipBytes)]),
)}
`;
}

export function renderMarkdown(results: Results): string {
  return `# portone-retry benchmarks

Generated by \`${results.command}\` (${results.mode} run) on ${results.finishedAt}, in ${results.durationS} s.
Every request goes to \`startSimulator()\` on 127.0.0.1.

${machineLine(results.machine)}

> **Warning:** ${WARNING}

${overheadSection(results.overhead, results.attribution, results.keepAliveMs, results.pinned, results.callCost, results.tiering)}
${faultsSection(results.faults)}
${outageSection(results.outage)}
${ambiguousSection(results.ambiguous)}
${pureSection(results.pure, results.callCost, results.promiseCount, results.bundles)}`;
}

/** Writes bench/RESULTS.md and bench/RESULTS.json; returns the Markdown. */
export async function writeResults(results: Results): Promise<string> {
  const markdown = renderMarkdown(results);
  await writeFile(new URL('./RESULTS.md', import.meta.url), markdown);
  await writeFile(
    new URL('./RESULTS.json', import.meta.url),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  return markdown;
}

export const MODE = QUICK ? 'quick' : 'full';
