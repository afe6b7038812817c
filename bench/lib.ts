/** Small helpers every section shares: run modes, a bounded request loop, statistics, tables. */

/** `pnpm bench --quick`: small counts, under a minute, and no file written. */
export const QUICK = process.argv.includes('--quick');

/** The p-th percentile (0..100) of `values`, nearest rank. NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Median with the smallest and largest value: what varied between rounds, without a model. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export const spread = (values: readonly number[]): Spread => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

/** A number for a table: fixed decimals, or a dash when there is nothing to show. */
export const num = (value: number | undefined, digits = 1): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

/** `median (min–max)`, as every cost and throughput cell is written. */
export const showSpread = (s: Spread, digits = 1): string =>
  `${num(s.median, digits)} (${num(s.min, digits)} – ${num(s.max, digits)})`;

/** A GitHub-flavoured markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Logs progress to stderr, so stdout stays the report, with the seconds since the run began. */
export const progress = (line: string): void => {
  process.stderr.write(`  … ${(performance.now() / 1000).toFixed(1)} s: ${line}\n`);
};

/** What a bounded loop did: how long each call took (ms), and which calls rejected. */
export interface LoopResult {
  readonly okMs: number[];
  readonly failedMs: number[];
  readonly failures: number[];
}

/**
 * Runs `task(i)` for i in [from, to) with `concurrency` workers and waits for all of them. After
 * `limitMs` no call starts and a call still pending counts as failed, so the loop always ends.
 */
export async function runCalls(options: {
  from?: number;
  to: number;
  concurrency: number;
  limitMs: number;
  task: (i: number) => Promise<unknown>;
}): Promise<LoopResult> {
  const { to, concurrency, limitMs, task } = options;
  let next = options.from ?? 0;
  const result: LoopResult = { okMs: [], failedMs: [], failures: [] };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('bench time limit')), limitMs);
  });
  let expired = false;
  stop.catch(() => {
    expired = true;
  });
  const worker = async () => {
    while (next < to && !expired) {
      const i = next++;
      const t0 = performance.now();
      try {
        await Promise.race([task(i), stop]);
        result.okMs.push(performance.now() - t0);
      } catch {
        result.failures.push(i);
        result.failedMs.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(timer);
  return result;
}

/** A JSON body of initiatePayment with the merchant order ref `ref`. */
export const createBody = (ref: string) => ({
  merchant_order_id: ref,
  amount: 1000,
  currency: 'THB',
  description: 'bench',
  source_url: 'https://shop.example/checkout',
});

export const CREATE_PATH = '/api/initiatePayment';
export const statusPath = (ref: string): string => `/api/transaction/${ref}/status`;
export const refundPath = (ref: string): string => `/api/refund/${ref}`;
