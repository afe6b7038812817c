/** Renders a run's results as markdown: a summary against the goals first, then every table. */
import { CONCURRENCIES, type CostResult, type CostRow } from './cost.js';
import type { MoneyRow, OutageRow, TransientRow } from './faults.js';
import { median, num, showSpread, table } from './lib.js';
import type { SizeRow } from './size.js';

export interface Results {
  /** What ran, when and where: the command, its end, its duration, the machine and its load. */
  readonly run: string;
  readonly cost: CostResult;
  readonly transient: readonly TransientRow[];
  readonly outage: readonly OutageRow[];
  readonly money: readonly MoneyRow[];
  readonly size: readonly SizeRow[];
}

/** The goals each run's medians are checked against. */
const GOALS = {
  deltaCpuUs: 10,
  throughput: 0.93,
  bytesInFlight: 2048,
  importMs: 25,
  outageFirst100: 1.5,
  outageBy1000: 1.1,
  gzipKb: 12,
} as const;

/** `(goal ≤ 10: met)`; `atLeast` for a floor (≥) instead of a ceiling. */
const goal = (value: number | undefined, limit: number, atLeast = false): string => {
  const met = value !== undefined && (atLeast ? value >= limit : value <= limit);
  const verdict = value === undefined ? 'not measured in this run' : met ? 'met' : '**not met**';
  return `(goal ${atLeast ? '≥' : '≤'} ${limit}: ${verdict})`;
};
const kb = (bytes: number | undefined): string => num((bytes ?? Number.NaN) / 1024);
/** A difference with its sign: +3.1, -0.4. */
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${num(value)}`;
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
const ours = (row: { client: string }) => row.client.startsWith('ours');

/** The A/A control's spread: what "no difference" looks like in this run. */
const noiseFloor = (rows: readonly CostRow[]): number =>
  median(rows.filter((r) => r.role === 'control').map((r) => Math.abs(r.deltaCpuUs.median)));

function summary(r: Results): string {
  const noise = noiseFloor(r.cost.rows);
  const axiosAlone = r.cost.imports.find((i) => i.modules === 'axios')?.ms.median ?? 0;
  const outage = (calls: number) =>
    r.outage[0]?.byCalls.find((b) => b.calls === calls)?.requestsPerCall;
  const money = (pick: (m: MoneyRow) => number) =>
    r.money.filter(ours).reduce((n, m) => n + pick(m), 0);
  const gzip = (entry: string) => r.size.find((s) => s.entry === entry)?.gzipBytes;
  const fetchGzip = gzip('createPortOneFetch');
  const cost = (row: CostRow) => {
    // A figure within the A/A control's spread of the goal cannot be told from it in this run.
    const delta = row.deltaCpuUs.median;
    const cpuGoal =
      Math.abs(delta - GOALS.deltaCpuUs) < noise
        ? `(goal ≤ ${GOALS.deltaCpuUs}: not resolved: A/A noise ${num(noise)} µs)`
        : goal(delta, GOALS.deltaCpuUs);
    const ratios = CONCURRENCIES.map((c) => row.throughput[c]?.median ?? Number.NaN);
    return `- ${row.client}, ${row.op}: ${signed(row.deltaCpuUs.median)} µs CPU per call vs its raw client on loopback ${cpuGoal}, ${signed(row.stubDeltaCpuUs.median)} µs without network; throughput ${ratios.map((x) => num(x, 3)).join(' / ')} of raw at concurrency ${CONCURRENCIES.join(' / ')} ${goal(Math.min(...ratios), GOALS.throughput, true)}`;
  };
  const coldImport = ({ modules, ms }: CostResult['imports'][number]) => {
    // With axios, the goal is for what the adapter adds: the app loads axios anyway.
    const base = modules.endsWith(' + axios') ? axiosAlone : 0;
    const split =
      base > 0 ? ` (${signed(ms.median - base)} ms beside axios's own ${num(base)})` : '';
    return `- cold import of ${modules}: ${num(ms.median)} ms${split} ${goal(ms.median - base, GOALS.importMs)}`;
  };
  return [
    '**How much do we cost?** (medians; min–max over rounds in the tables below)',
    ...r.cost.rows.filter((row) => row.role === 'ours').map(cost),
    ...r.cost.memory
      .filter(ours)
      .map(
        (m) =>
          `- ${m.client}: ${num(m.bytesPerCall, 0)} bytes per call in flight above raw ${goal(m.bytesPerCall, GOALS.bytesInFlight)}`,
      ),
    ...r.cost.imports.filter((i) => i.modules.startsWith('@portone-retry')).map(coldImport),
    `- A/A control (raw beside raw): ${num(noise)} µs — differences below it are noise.`,
    '',
    '**How do we behave under faults?**',
    ...r.transient
      .filter((t) => ours(t) && t.backoff === 'defaults')
      .map(
        (t) =>
          `- 30 % 5024, defaults, ${t.client}: ${pct(t.success)} succeed, ${num(t.requestsPerCall, 2)} requests per call, p99 ${num(t.p99Ms, 0)} ms to success`,
      ),
    `- Outage, one engine with defaults: ${num(outage(100), 2)} requests per call over the first 100 calls ${goal(outage(100), GOALS.outageFirst100)}, ${num(outage(1000), 2)} by 1000 ${goal(outage(1000), GOALS.outageBy1000)}; lookups counted`,
    `- Ambiguous creates and refunds, every run of ours: ${money((m) => m.chargedTwice)} orders charged twice, ${money((m) => m.paidReportedFailed)} paid but reported failed; ${money((m) => m.refundedTwice)} refunds done twice, ${money((m) => m.refundedReportedFailed)} done but reported failed`,
    '',
    '**How big are we?**',
    `- createPortOneFetch: ${kb(fetchGzip)} kB min+gzip ${goal(fetchGzip && fetchGzip / 1024, GOALS.gzipKb)}; ky ${kb(gzip('ky'))} kB`,
  ].join('\n');
}

export function renderReport(r: Results): string {
  const ratio = (c: number) => (row: CostRow) => showSpread(row.throughput[c], 3);
  const cost = (op: CostRow['op']) =>
    table(
      r.cost.rows.filter((row) => row.op === op && row.role !== 'raw'),
      [
        ['client', (row) => (row.role === 'ours' ? `**${row.client}**` : row.client)],
        ['Δ CPU µs/call, loopback', (row) => showSpread(row.deltaCpuUs)],
        ['Δ CPU µs/call, no network', (row) => showSpread(row.stubDeltaCpuUs)],
        ...CONCURRENCIES.map((c) => [`throughput ÷ raw, c=${c}`, ratio(c)] as const),
      ],
    );
  const checkpoints = [...new Set(r.outage.flatMap((o) => o.byCalls.map((b) => b.calls)))];
  const atCheckpoint = (c: number) => (o: OutageRow) => {
    const at = o.byCalls.find((b) => b.calls === c);
    return at ? `${num(at.requestsPerCall, 2)} (${num(at.p50FailMs, 0)})` : '—';
  };
  return [
    '# portone-retry bench results',
    `${r.run}. How it is measured: [README.md](README.md).`,
    summary(r),
    '## 1. Cost beside the raw client (median (min – max) over rounds)',
    '### Reads (GET status, body read)',
    cost('read'),
    '### Creates (POST initiatePayment, body read)',
    cost('create'),
    '### Memory per call in flight and cold import',
    table(r.cost.memory, [
      ['client', (m) => m.client],
      ['heap bytes per pending call above raw', (m) => num(m.bytesPerCall, 0)],
    ]),
    table(r.cost.imports, [
      ['import (fresh process)', (i) => i.modules],
      ['ms', (i) => showSpread(i.ms)],
    ]),
    '## 2. Transient faults: 30 % of creates answer 5024',
    table(r.transient, [
      ['client', (t) => t.client],
      ['backoff', (t) => t.backoff],
      ['success', (t) => pct(t.success)],
      ['creates/call', (t) => num(t.createsPerCall, 2)],
      ['requests/call', (t) => num(t.requestsPerCall, 2)],
      ['p50 ms', (t) => num(t.p50Ms, 0)],
      ['p99 ms', (t) => num(t.p99Ms, 0)],
    ]),
    '## 3. Outage: every create answers 5000 (the peers retry POSTs, same backoff)',
    table(r.outage, [
      ['client', (o) => o.client],
      ...checkpoints.map(
        (c) => [`first ${c} calls: requests/call (p50 ms to fail)`, atCheckpoint(c)] as const,
      ),
    ]),
    '## 4. Ambiguous creates and refunds: 30 % processed, then the connection drops',
    table(r.money, [
      ['client', (m) => m.client],
      ['backoff', (m) => m.backoff],
      ['simulator', (m) => m.simulator],
      ['charged twice', (m) => String(m.chargedTwice)],
      ['paid, reported failed', (m) => String(m.paidReportedFailed)],
      ['refunded twice', (m) => String(m.refundedTwice)],
      ['refunded, reported failed', (m) => String(m.refundedReportedFailed)],
    ]),
    '## 5. Size (esbuild, browser target, minified)',
    table(r.size, [
      ['entry', (s) => s.entry],
      ['min kB', (s) => kb(s.minBytes)],
      ['min+gzip kB', (s) => kb(s.gzipBytes)],
      [
        'top contributors (min kB)',
        (s) => s.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', '),
      ],
    ]),
    '',
  ].join('\n\n');
}
