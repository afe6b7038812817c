/**
 * Section 5, size: what each client adds to a browser or edge bundle. Each entry is bundled with
 * esbuild (browser target, minified, ESM, tree-shaken) from the built packages, then gzipped.
 */

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface SizeRow {
  readonly entry: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
  /** The largest inputs in the bundle, by minified bytes. */
  readonly top: readonly { input: string; bytes: number }[];
}

/** What a user imports, and what the bundle leaves out because the app already has it. */
const ENTRIES: readonly { entry: string; module: string; name?: string; external?: string[] }[] = [
  {
    entry: 'createPortOneFetch',
    module: '@portone-retry/fetch-adapter',
    name: 'createPortOneFetch',
  },
  {
    entry: 'withPortOne (axios external)',
    module: '@portone-retry/axios-adapter',
    name: 'withPortOne',
    external: ['axios'],
  },
  { entry: 'ky', module: 'ky' },
  { entry: 'axios-retry (axios external)', module: 'axios-retry', external: ['axios'] },
  { entry: 'p-retry', module: 'p-retry' },
];

/**
 * What a bundle input is counted under: a folder of our sources (packages/core/src/catalogue/),
 * a file at the top of one, or a dependency's package name.
 */
export function contributor(input: string): string {
  const path = input.replace(/^(\.\.\/)+/, '');
  const ours = /^(packages\/[^/]+\/src\/[^/]+\/)/.exec(path);
  if (ours?.[1] !== undefined) return ours[1];
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
    path,
  );
  return dependency?.[1] ?? path;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Bundles `code`. With `sources`, our packages resolve to their TypeScript sources through the
 * root tsconfig's paths, so the metafile names the files that make up our bytes (sizes are
 * measured on dist, what users install).
 */
const bundle = (code: string, external: string[], sources = false) =>
  build({
    stdin: { contents: code, resolveDir: here('.') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...(sources ? { tsconfig: here('../tsconfig.json') } : {}),
  });

export async function runSize(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const { entry, module, name = 'default', external = [] } of ENTRIES) {
    const code = `export { ${name} } from '${module}';`;
    const result = await bundle(code, external);
    const ours = module.startsWith('@portone-retry/');
    const attributed = ours ? await bundle(code, external, true) : result;
    const output = result.outputFiles[0]?.contents ?? new Uint8Array();
    const inputs = Object.values(attributed.metafile.outputs)[0]?.inputs ?? {};
    const byContributor = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      const key = contributor(input);
      byContributor.set(key, (byContributor.get(key) ?? 0) + bytesInOutput);
    }
    const top = [...byContributor]
      .map(([input, bytes]) => ({ input, bytes }))
      .filter((i) => i.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, ours ? 5 : 3);
    rows.push({ entry, minBytes: output.length, gzipBytes: gzipSync(output).length, top });
  }
  return rows;
}
