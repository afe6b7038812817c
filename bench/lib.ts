/** Helpers every section shares: the run mode, statistics, tables, a bounded request loop. */

/** `pnpm bench --quick`: small counts, under a minute, and no file written. */
export const QUICK = process.argv.includes('--quick');

/** The p-th percentile (0..100) of `values`, nearest rank. NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Median with the smallest and largest value: what varied between rounds, without a model. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const spread = (values: readonly number[]): Spread => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

/** A number for a table: fixed decimals, or a dash when there is nothing to show. */
export const num = (value: number | undefined, digits = 1): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

/** `median (min – max)`, as every cost and throughput cell is written. */
export const showSpread = (s: Spread | undefined, digits = 1): string =>
  `${num(s?.median, digits)} (${num(s?.min, digits)} – ${num(s?.max, digits)})`;

/** A GitHub-flavoured markdown table: one column per [head, how to write a row's cell]. */
export function table<R>(
  rows: readonly R[],
  columns: readonly (readonly [head: string, cell: (row: R) => string])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const head = columns.map(([title]) => title);
  const body = rows.map((row) => line(columns.map(([, cell]) => cell(row))));
  return [line(head), line(head.map(() => '---')), ...body].join('\n');
}

/** Logs progress to stderr, so stdout stays the report, with the seconds since the run began. */
export const progress = (line: string): void => {
  process.stderr.write(`  … ${(performance.now() / 1000).toFixed(1)} s: ${line}\n`);
};

/**
 * Runs `task(i)` for i in [from, to) with `concurrency` workers and waits for all of them. After
 * `limitMs` no call starts and a call still pending counts as failed, so the loop always ends.
 * Returns how long each call that resolved took, and each that rejected, with its index (ms).
 */
export async function runCalls(
  options: { from?: number; to: number; concurrency: number; limitMs: number },
  task: (i: number) => Promise<unknown>,
) {
  let next = options.from ?? 0;
  const [okMs, failedMs, failures]: [number[], number[], number[]] = [[], [], []];
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new Error('bench time limit'));
    }, options.limitMs);
  });
  stop.catch(() => {});
  const worker = async () => {
    while (next < options.to && !expired) {
      const i = next++;
      const t0 = performance.now();
      try {
        await Promise.race([task(i), stop]);
        okMs.push(performance.now() - t0);
      } catch {
        failures.push(i);
        failedMs.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearTimeout(timer);
  return { okMs, failedMs, failures };
}

/** A JSON body of initiatePayment with the merchant order ref `ref`. */
export const createBody = (ref: string) => ({
  merchant_order_id: ref,
  amount: 1000,
  currency: 'THB',
  description: 'bench',
  source_url: 'https://shop.example/checkout',
});

export const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const CREATE_PATH = '/api/initiatePayment';
export const statusPath = (ref: string): string => `/api/transaction/${ref}/status`;
export const refundPath = (ref: string): string => `/api/refund/${ref}`;
