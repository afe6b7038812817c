import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  type AttemptState,
  type ClassifyInput,
  classify,
  createPolicy,
  decide,
} from '@portone-retry/core';
import { build, type Platform } from 'esbuild';
import { Bench } from 'tinybench';
import { progress, round, SIZES } from './lib.js';

export interface PureRow {
  readonly task: string;
  readonly nsPerOp: number;
  /** Relative margin of error of the batch mean, %. */
  readonly rme: number;
  readonly samples: number;
}

export interface BundleRow {
  readonly bundle: string;
  readonly platform: Platform;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
}

const headers = { 'content-type': 'application/json' };
const SUCCESS: ClassifyInput = {
  httpStatus: 200,
  headers,
  body: {
    content: { status: 'Success', order_ref: 'PO00000001', channel_order_ref: 'CHPO00000001' },
    message: 'transaction status',
    status_code: '2000',
    status_reason: 'SUCCESS',
  },
};
const PSP_ERROR: ClassifyInput = {
  httpStatus: 500,
  headers,
  body: {
    message: 'psp communication error',
    status_code: '5024',
    status_reason: 'PSP_COMMUNICATION_ERROR',
  },
};
const RESET: ClassifyInput = {
  error: Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }),
  }),
};

const policy = createPolicy();
const state = (kind: AttemptState['kind']): AttemptState => ({
  attempt: 1,
  retriesUsed: 0,
  elapsedMs: 3,
  kind,
  random: () => 0.5,
  hasOrderRef: kind === 'create',
});
const READ = state('read');
const CREATE = state('create');
const SUCCESS_CLASSIFIED = classify(SUCCESS);

/** Section 5a: the pure parts per call, in ns/op (each sample is a batch, divided back). */
export async function runPure(): Promise<PureRow[]> {
  const { timeMs, batch } = SIZES.pure;
  let sink = 0;
  const repeat = (fn: () => unknown) => () => {
    for (let i = 0; i < batch; i++) if (fn() === undefined) sink++;
  };
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(250, timeMs) });
  bench
    .add(
      'classify: 2000 status answer',
      repeat(() => classify(SUCCESS)),
    )
    .add(
      'decide: success',
      repeat(() => decide(SUCCESS_CLASSIFIED, policy, READ)),
    )
    .add(
      'classify + decide: 2000 status answer (read)',
      repeat(() => decide(classify(SUCCESS), policy, READ)),
    )
    .add(
      'classify + decide: 5024 answer to a create',
      repeat(() => decide(classify(PSP_ERROR), policy, CREATE)),
    )
    .add(
      'classify + decide: connection reset on a create',
      repeat(() => decide(classify(RESET), policy, CREATE)),
    );
  progress('pure: classify + decide (tinybench)');
  await bench.run();
  if (sink > 0) throw new Error('classify or decide returned nothing');
  return bench.tasks.map((task) => {
    const latency = task.result?.latency;
    return {
      task: task.name,
      nsPerOp: round(((latency?.mean ?? Number.NaN) * 1e6) / batch, 1),
      rme: round(latency?.rme ?? Number.NaN, 2),
      samples: latency?.samples.length ?? 0,
    };
  });
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));

/** What is bundled, each with its own dependencies; the HTTP client itself stays external. */
const BUNDLES: ReadonlyArray<{
  bundle: string;
  source: string;
  platform: Platform;
  external?: string[];
}> = [
  {
    bundle: '@portone-retry/core',
    source: "export * from '@portone-retry/core';",
    platform: 'neutral',
  },
  {
    bundle: '@portone-retry/fetch-adapter (with core)',
    source: "export * from '@portone-retry/fetch-adapter';",
    platform: 'neutral',
  },
  {
    bundle: '@portone-retry/axios-adapter (with core; axios external)',
    source: "export * from '@portone-retry/axios-adapter';",
    platform: 'node',
    external: ['axios'],
  },
  {
    bundle: 'ky',
    source: "export { default } from 'ky'; export * from 'ky';",
    platform: 'neutral',
  },
  {
    bundle: 'axios-retry (axios external)',
    source: "export { default } from 'axios-retry'; export * from 'axios-retry';",
    platform: 'node',
    external: ['axios'],
  },
  {
    bundle: 'p-retry (a dependency of core)',
    source: "export { default } from 'p-retry'; export * from 'p-retry';",
    platform: 'neutral',
  },
];

/** Section 5b: minified + gzip size of each bundle, built with esbuild's API in memory. */
export async function runBundles(): Promise<BundleRow[]> {
  progress('pure: bundle sizes (esbuild)');
  const rows: BundleRow[] = [];
  for (const { bundle, source, platform, external } of BUNDLES) {
    const result = await build({
      stdin: { contents: source, resolveDir: BENCH, loader: 'ts' },
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
      platform,
      ...(platform === 'neutral' ? { mainFields: ['module', 'main'] } : {}),
      external: external ?? [],
      // The root tsconfig maps the workspace packages to their sources, as tsx does.
      tsconfig: `${ROOT}tsconfig.json`,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    rows.push({
      bundle,
      platform,
      minifiedBytes: code.byteLength,
      gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    });
  }
  return rows;
}
