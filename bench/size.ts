/**
 * Section 5, size: what each client adds to a browser or edge bundle. Each entry is bundled with
 * esbuild (browser target, minified, ESM, tree-shaken) from the built packages, then gzipped.
 */

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

export interface SizeRow {
  readonly entry: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
  /** The largest inputs in the bundle, by minified bytes. */
  readonly top: readonly { input: string; bytes: number }[];
}

/** What a user imports, and what the bundle leaves out because the app already has it. */
export const ENTRIES: readonly { entry: string; code: string; external?: string[] }[] = [
  {
    entry: 'createPortOneFetch',
    code: "export { createPortOneFetch } from '@portone-retry/fetch-adapter';",
  },
  {
    entry: 'withPortOne (axios external)',
    code: "export { withPortOne } from '@portone-retry/axios-adapter';",
    external: ['axios'],
  },
  { entry: 'ky', code: "export { default } from 'ky';" },
  {
    entry: 'axios-retry (axios external)',
    code: "export { default } from 'axios-retry';",
    external: ['axios'],
  },
  { entry: 'p-retry', code: "export { default } from 'p-retry';" },
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

/**
 * Resolves our packages to their TypeScript sources instead of their single-file dist, so the
 * metafile names the source files that make up our bytes (the sizes are measured on dist).
 */
const fromSources: Plugin = {
  name: 'portone-retry-sources',
  setup(b) {
    // `@portone-retry/core` → core's src/index.ts; `@portone-retry/core/adapter` → src/adapter/index.ts.
    b.onResolve({ filter: /^@portone-retry\/[\w-]+(\/adapter)?$/ }, ({ path }) => {
      const [, name, subpath] = path.split('/');
      const entry = subpath === undefined ? 'index.ts' : `${subpath}/index.ts`;
      return { path: fileURLToPath(new URL(`../packages/${name}/src/${entry}`, import.meta.url)) };
    });
  },
};

const bundle = (code: string, external: string[], plugins: Plugin[] = []) =>
  build({
    stdin: { contents: code, resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    plugins,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

export async function runSize(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const { entry, code, external = [] } of ENTRIES) {
    const result = await bundle(code, external);
    const ours = code.includes('@portone-retry/');
    const attributed = ours ? await bundle(code, external, [fromSources]) : result;
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
