/** Renders a run's results as markdown: a summary against the goals first, then every table. */
import { type CostResult, type CostRow, noiseFloor } from './cost.js';
import type { MoneyRow, OutageRow, TransientRow } from './faults.js';
import { num, type Spread, showSpread, table } from './lib.js';
import type { SizeRow } from './size.js';

export interface Results {
  readonly command: string;
  readonly finishedAt: string;
  readonly durationS: number;
  readonly machine: string;
  readonly concurrencies: readonly number[];
  readonly cost: CostResult;
  readonly transient: readonly TransientRow[];
  readonly outage: readonly OutageRow[];
  readonly money: readonly MoneyRow[];
  readonly size: readonly SizeRow[];
}

/** What a checkout would feel, checked against each run's medians. */
export const GOALS = {
  deltaCpuUs: 10,
  throughput: 0.93,
  bytesInFlight: 2048,
  importMs: 25,
  outageFirst100: 1.5,
  outageBy1000: 1.1,
  gzipKb: 12,
} as const;

/** `(goal ≤ 10: met)`; `above` for a floor (≥) instead of a ceiling. */
const goal = (value: number | undefined, limit: number, above = false): string => {
  const met = value !== undefined && (above ? value >= limit : value <= limit);
  const verdict = value === undefined ? 'not measured in this run' : met ? 'met' : '**not met**';
  return `(goal ${above ? '≥' : '≤'} ${limit}: ${verdict})`;
};
const kb = (bytes: number | undefined): string => num((bytes ?? Number.NaN) / 1024);
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${num(value)}`;
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
const NONE: Spread = { median: Number.NaN, min: Number.NaN, max: Number.NaN };

function costLines(r: Results): string[] {
  const noise = noiseFloor(r.cost.rows);
  // A goal below the A/A control's difference cannot be told from noise in this run.
  const cpuGoal = (us: number) =>
    noise > GOALS.deltaCpuUs
      ? `(goal ≤ 10: not resolved: A/A noise ${num(noise)} µs)`
      : goal(us, 10);
  const ratios = (row: CostRow) => r.concurrencies.map((c) => row.throughput[c]?.median ?? NaN);
  const axiosAlone = r.cost.imports.find((i) => i.modules === 'axios')?.ms.median ?? 0;
  return [
    ...r.cost.rows
      .filter((row) => row.role === 'ours')
      .map(
        (row) =>
          `- ${row.client}, ${row.op}: ${signed(row.deltaCpuUs.median)} µs CPU per call vs its raw client on loopback ${cpuGoal(row.deltaCpuUs.median)}, ${signed(row.stubDeltaCpuUs.median)} µs without network; throughput ${ratios(
            row,
          )
            .map((x) => num(x, 3))
            .join(
              ' / ',
            )} of raw at concurrency ${r.concurrencies.join(' / ')} ${goal(Math.min(...ratios(row)), GOALS.throughput, true)}`,
      ),
    ...r.cost.memory
      .filter((m) => m.client.startsWith('ours'))
      .map(
        (m) =>
          `- ${m.client}: ${Math.round(m.bytesPerCall)} bytes per call in flight above raw ${goal(m.bytesPerCall, GOALS.bytesInFlight)}`,
      ),
    ...r.cost.imports
      .filter((i) => i.modules.startsWith('@portone-retry'))
      .map((i) => {
        // With axios, the goal is for what the adapter adds: the app loads axios anyway.
        const base = i.modules.endsWith(' + axios') ? axiosAlone : 0;
        const split =
          base > 0 ? ` (${num(i.ms.median - base)} ms above axios's own ${num(base)})` : '';
        return `- cold import of ${i.modules}: ${num(i.ms.median)} ms${split} ${goal(i.ms.median - base, GOALS.importMs)}`;
      }),
    `- A/A control (raw beside raw): ${num(noise)} µs — differences below it are noise.`,
  ];
}

function summary(r: Results): string {
  const at = (calls: number) =>
    r.outage[0]?.byCalls.find((b) => b.calls === calls)?.requestsPerCall;
  const ourMoney = r.money.filter((m) => m.client.startsWith('ours'));
  const count = (pick: (m: MoneyRow) => number) => ourMoney.reduce((n, m) => n + pick(m), 0);
  const gzip = (entry: string) => r.size.find((s) => s.entry === entry)?.gzipBytes;
  const fetchGzip = gzip('createPortOneFetch');
  return [
    '**How much do we cost?** (medians; min–max over rounds in the tables below)',
    ...costLines(r),
    '',
    '**How do we behave under faults?**',
    ...r.transient
      .filter((t) => t.client.startsWith('ours') && t.backoff === 'defaults')
      .map(
        (t) =>
          `- 30 % 5024, defaults, ${t.client}: ${pct(t.success)} succeed, ${num(t.requestsPerCall, 2)} requests per call, p99 ${num(t.p99Ms, 0)} ms to success`,
      ),
    `- Outage, one engine with defaults: ${num(at(100), 2)} requests per call over the first 100 calls ${goal(at(100), GOALS.outageFirst100)}, ${num(at(1000), 2)} by 1000 ${goal(at(1000), GOALS.outageBy1000)}; lookups counted`,
    `- Ambiguous creates and refunds, every run of ours: ${count((m) => m.chargedTwice)} orders charged twice, ${count((m) => m.paidReportedFailed)} paid but reported failed; ${count((m) => m.refundedTwice)} refunds done twice, ${count((m) => m.refundedReportedFailed)} done but reported failed`,
    '',
    '**How big are we?**',
    `- createPortOneFetch: ${kb(fetchGzip)} kB min+gzip ${goal(fetchGzip && fetchGzip / 1024, GOALS.gzipKb)}; ky ${kb(gzip('ky'))} kB`,
  ].join('\n');
}

function costTables(r: Results): string[] {
  const cs = r.concurrencies;
  const head = ['client', 'Δ CPU µs/call, loopback', 'Δ CPU µs/call, no network'];
  const rows = (op: 'read' | 'create') =>
    r.cost.rows
      .filter((row) => row.op === op && row.role !== 'raw')
      .map((row) => [
        row.role === 'ours' ? `**${row.client}**` : row.client,
        showSpread(row.deltaCpuUs),
        showSpread(row.stubDeltaCpuUs),
        ...cs.map((c) => showSpread(row.throughput[c] ?? NONE, 3)),
      ]);
  const costHead = [...head, ...cs.map((c) => `throughput ÷ raw, c=${c}`)];
  return [
    '## 1. Cost beside the raw client (median (min – max) over rounds)',
    '### Reads (GET status, body read)',
    table(costHead, rows('read')),
    '### Creates (POST initiatePayment, body read)',
    table(costHead, rows('create')),
    '### Memory per call in flight and cold import',
    table(
      ['client', 'heap bytes per pending call above raw'],
      r.cost.memory.map((m) => [m.client, num(m.bytesPerCall, 0)]),
    ),
    table(
      ['import (fresh process)', 'ms'],
      r.cost.imports.map((i) => [i.modules, showSpread(i.ms)]),
    ),
  ];
}

const MONEY_COUNTS = [
  'charged twice',
  'paid, reported failed',
  'refunded twice',
  'refunded, reported failed',
];
const moneyCounts = (m: MoneyRow) =>
  [m.chargedTwice, m.paidReportedFailed, m.refundedTwice, m.refundedReportedFailed] as const;

function faultTables(r: Results): string[] {
  const checkpoints = [...new Set(r.outage.flatMap((o) => o.byCalls.map((b) => b.calls)))];
  const reached = (o: OutageRow, calls: number) => {
    const at = o.byCalls.find((b) => b.calls === calls);
    return at ? `${num(at.requestsPerCall, 2)} (${num(at.p50FailMs, 0)})` : '—';
  };
  return [
    '## 2. Transient faults: 30 % of creates answer 5024',
    table(
      ['client', 'backoff', 'success', 'creates/call', 'requests/call', 'p50 ms', 'p99 ms'],
      r.transient.map((t) => [
        t.client,
        t.backoff,
        pct(t.success),
        ...[t.createsPerCall, t.requestsPerCall].map((x) => num(x, 2)),
        ...[t.p50Ms, t.p99Ms].map((x) => num(x, 0)),
      ]),
    ),
    '## 3. Outage: every create answers 5000',
    table(
      ['client', ...checkpoints.map((c) => `first ${c} calls: requests/call (p50 ms to fail)`)],
      r.outage.map((o) => [o.client, ...checkpoints.map((c) => reached(o, c))]),
    ),
    '## 4. Ambiguous creates and refunds: 30 % processed, then the connection drops',
    table(
      ['client', 'backoff', 'simulator', ...MONEY_COUNTS],
      r.money.map((m) => [m.client, m.backoff, m.simulator, ...moneyCounts(m).map(String)]),
    ),
  ];
}

export function renderReport(r: Results): string {
  return [
    '# portone-retry bench results',
    `\`${r.command}\`, finished ${r.finishedAt} in ${r.durationS} s on ${r.machine}. How it is measured: [README.md](README.md).`,
    summary(r),
    ...costTables(r),
    ...faultTables(r),
    '## 5. Size (esbuild, browser target, minified)',
    table(
      ['entry', 'min kB', 'min+gzip kB', 'top contributors (min kB)'],
      r.size.map((s) => [
        s.entry,
        kb(s.minBytes),
        kb(s.gzipBytes),
        s.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', '),
      ]),
    ),
    '',
  ].join('\n\n');
}
