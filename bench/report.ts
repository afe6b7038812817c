/** Renders a run's results as markdown: a summary against the goals first, then every table. */
import type { CostResult, CostRow } from './cost.js';
import { noiseFloor } from './cost.js';
import type { MoneyRow, OutageRow, TransientRow } from './faults.js';
import { num, showSpread, table } from './lib.js';
import type { RedactionRow } from './redaction.js';
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
  /** Absent from results made before the section existed. */
  readonly redaction?: readonly RedactionRow[];
}

/** The goals of issue 34, checked against each run's medians. */
export const GOALS = {
  deltaCpuUs: 10,
  throughput: 0.93,
  bytesInFlight: 2048,
  importMs: 25,
  outageFirst100: 1.5,
  outageBy1000: 1.1,
  gzipKb: 12,
} as const;

const mark = (met: boolean): string => (met ? 'met' : '**not met**');
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
/** A difference with its sign: +3.1, -0.4. */
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${num(value)}`;
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

function summary(r: Results): string {
  const ours = r.cost.rows.filter((row) => row.role === 'ours');
  const worstRatio = (row: CostRow) =>
    Math.min(...r.concurrencies.map((c) => row.throughput[c]?.median ?? Number.NaN));
  const defaults = r.outage[0];
  const at = (calls: number) => defaults?.byCalls.find((b) => b.calls === calls)?.requestsPerCall;
  const first100 = at(100);
  const by1000 = at(1000);
  const ourMoney = r.money.filter((m) => m.client.startsWith('ours'));
  const count = (pick: (m: MoneyRow) => number) => ourMoney.reduce((n, m) => n + pick(m), 0);
  const noise = noiseFloor(r.cost.rows);
  // A goal below the A/A control's spread cannot be told from noise in this run.
  const cpuMark = (us: number) =>
    noise > GOALS.deltaCpuUs
      ? `not resolved: A/A noise ${num(noise)} µs`
      : mark(us <= GOALS.deltaCpuUs);
  const transient = r.transient.filter(
    (t) => t.client.startsWith('ours') && t.backoff === 'defaults',
  );
  const fetchSize = r.size.find((s) => s.entry === 'createPortOneFetch');
  const imports = r.cost.imports.filter((i) => i.modules.startsWith('@portone-retry'));
  const axiosAlone = r.cost.imports.find((i) => i.modules === 'axios')?.ms.median ?? 0;
  const lines = [
    '**How much do we cost?** (medians; min–max over rounds in the tables below)',
    ...ours.map(
      (row) =>
        `- ${row.client}, ${row.op}: ${signed(row.deltaCpuUs.median)} µs CPU per call vs its raw client on loopback (goal ≤ ${GOALS.deltaCpuUs}: ${cpuMark(row.deltaCpuUs.median)}), ${signed(row.stubDeltaCpuUs.median)} µs without network; throughput ${r.concurrencies.map((c) => num(row.throughput[c]?.median, 3)).join(' / ')} of raw at concurrency ${r.concurrencies.join(' / ')} (goal ≥ ${GOALS.throughput}: ${mark(worstRatio(row) >= GOALS.throughput)})`,
    ),
    ...r.cost.memory
      .filter((m) => m.client.startsWith('ours'))
      .map(
        (m) =>
          `- ${m.client}: ${Math.round(m.bytesPerCall)} bytes per call in flight above raw (goal ≤ ${GOALS.bytesInFlight}: ${mark(m.bytesPerCall <= GOALS.bytesInFlight)})`,
      ),
    ...imports.map((i) => {
      // With axios, the goal is for what the adapter adds: the app loads axios anyway.
      const base = i.modules.endsWith(' + axios') ? axiosAlone : 0;
      const own = i.ms.median - base;
      const split = base > 0 ? ` (${num(own)} ms above axios's own ${num(base)})` : '';
      return `- cold import of ${i.modules}: ${num(i.ms.median)} ms${split} (goal ≤ ${GOALS.importMs}: ${mark(own <= GOALS.importMs)})`;
    }),
    `- A/A control (raw beside raw): ${num(noise)} µs — differences below it are noise.`,
    '',
    '**How do we behave under faults?**',
    ...transient.map(
      (t) =>
        `- 30 % 5024, defaults, ${t.client}: ${pct(t.success)} succeed, ${num(t.requestsPerCall, 2)} requests per call, p99 ${num(t.p99Ms, 0)} ms to success`,
    ),
    `- Outage, one engine with defaults: ${num(first100, 2)} requests per call over the first 100 calls (goal ≤ ${GOALS.outageFirst100}: ${mark((first100 ?? Number.POSITIVE_INFINITY) <= GOALS.outageFirst100)}), ${num(by1000, 2)} by 1000 (goal ≤ ${GOALS.outageBy1000}: ${mark((by1000 ?? Number.POSITIVE_INFINITY) <= GOALS.outageBy1000)}); lookups counted`,
    `- Ambiguous creates and refunds, every run of ours: ${count((m) => m.chargedTwice)} orders charged twice, ${count((m) => m.paidReportedFailed)} paid but reported failed; ${count((m) => m.refundedTwice)} refunds done twice, ${count((m) => m.refundedReportedFailed)} done but reported failed`,
    '',
    '**How big are we?**',
    ...(fetchSize
      ? [
          `- createPortOneFetch: ${kb(fetchSize.gzipBytes)} kB min+gzip (goal ≤ ${GOALS.gzipKb}: ${mark(fetchSize.gzipBytes / 1024 <= GOALS.gzipKb)}); ky ${kb(r.size.find((s) => s.entry === 'ky')?.gzipBytes ?? Number.NaN)} kB`,
        ]
      : []),
  ];
  return lines.join('\n');
}

function costTables(r: Results): string {
  const cs = r.concurrencies;
  const head = [
    'client',
    'Δ CPU µs/call, loopback',
    'Δ CPU µs/call, no network',
    ...cs.map((c) => `throughput ÷ raw, c=${c}`),
  ];
  const rows = (op: 'read' | 'create') =>
    r.cost.rows
      .filter((row) => row.op === op && row.role !== 'raw')
      .map((row) => [
        row.role === 'ours' ? `**${row.client}**` : row.client,
        showSpread(row.deltaCpuUs),
        showSpread(row.stubDeltaCpuUs),
        ...cs.map((c) =>
          showSpread(
            row.throughput[c] ?? { median: Number.NaN, min: Number.NaN, max: Number.NaN },
            3,
          ),
        ),
      ]);
  return [
    '### Reads (GET status, body read)',
    table(head, rows('read')),
    '### Creates (POST initiatePayment, body read)',
    table(head, rows('create')),
    '### Memory per call in flight and cold import',
    table(
      ['client', 'heap bytes per pending call above raw'],
      r.cost.memory.map((m) => [m.client, num(m.bytesPerCall, 0)]),
    ),
    table(
      ['import (fresh process)', 'ms'],
      r.cost.imports.map((i) => [i.modules, showSpread(i.ms)]),
    ),
  ].join('\n\n');
}

function faultTables(r: Results): string {
  const transient = table(
    ['client', 'backoff', 'success', 'creates/call', 'requests/call', 'p50 ms', 'p99 ms'],
    r.transient.map((t) => [
      t.client,
      t.backoff,
      pct(t.success),
      num(t.createsPerCall, 2),
      num(t.requestsPerCall, 2),
      num(t.p50Ms, 0),
      num(t.p99Ms, 0),
    ]),
  );
  const checkpoints = [...new Set(r.outage.flatMap((o) => o.byCalls.map((b) => b.calls)))];
  const outage = table(
    ['client', ...checkpoints.map((c) => `first ${c} calls: requests/call (p50 ms to fail)`)],
    r.outage.map((o) => [
      o.client,
      ...checkpoints.map((c) => {
        const at = o.byCalls.find((b) => b.calls === c);
        return at ? `${num(at.requestsPerCall, 2)} (${num(at.p50FailMs, 0)})` : '—';
      }),
    ]),
  );
  const money = table(
    [
      'client',
      'backoff',
      'simulator',
      'charged twice',
      'paid, reported failed',
      'refunded twice',
      'refunded, reported failed',
    ],
    r.money.map((m) => [
      m.client,
      m.backoff,
      m.simulator,
      String(m.chargedTwice),
      String(m.paidReportedFailed),
      String(m.refundedTwice),
      String(m.refundedReportedFailed),
    ]),
  );
  return [
    '## 2. Transient faults: 30 % of creates answer 5024',
    transient,
    '## 3. Outage: every create answers 5000',
    outage,
    '## 4. Ambiguous creates and refunds: 30 % processed, then the connection drops',
    money,
  ].join('\n\n');
}

function sizeTable(r: Results): string {
  return table(
    ['entry', 'min kB', 'min+gzip kB', 'top contributors (min kB)'],
    r.size.map((s) => [
      s.entry,
      kb(s.minBytes),
      kb(s.gzipBytes),
      s.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', '),
    ]),
  );
}

export function renderReport(r: Results): string {
  return [
    '# portone-retry bench results',
    `\`${r.command}\`, finished ${r.finishedAt} in ${r.durationS} s on ${r.machine}. How it is measured: [README.md](README.md).`,
    summary(r),
    '## 1. Cost beside the raw client (median (min – max) over rounds)',
    costTables(r),
    faultTables(r),
    '## 5. Size (esbuild, browser target, minified)',
    sizeTable(r),
    '## 6. Redaction (what an error costs to make safe to log)',
    table(
      ['input', 'KB', 'µs per KB (median)'],
      (r.redaction ?? []).map((row) => [row.input, row.kb.toFixed(1), row.usPerKb.toFixed(2)]),
    ),
    '',
  ].join('\n\n');
}
