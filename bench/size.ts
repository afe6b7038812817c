/**
 * Section 5, size: what each client adds to a browser or edge bundle. Each entry is bundled with
 * esbuild (browser target, minified, ESM, tree-shaken) from the built packages, then gzipped.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * What a user imports. axios is left out of every bundle: an app that uses withPortOne or
 * axios-retry ships it already, and the other entries do not import it.
 */
const ENTRIES = [
  ['createPortOneFetch', "export { createPortOneFetch } from '@portone-retry/fetch-adapter';"],
  ['withPortOne (axios external)', "export { withPortOne } from '@portone-retry/axios-adapter';"],
  ['ky', "export { default } from 'ky';"],
  ['axios-retry (axios external)', "export { default } from 'axios-retry';"],
  ['p-retry', "export { default } from 'p-retry';"],
] as const;

/**
 * What a bundle input is counted under: a folder of our sources (packages/core/src/catalogue/),
 * a file at the top of one, or a dependency's package name.
 */
function contributor(input: string): string {
  const path = input.replace(/^(\.\.\/)+/, '');
  const ours = /^(packages\/[^/]+\/src\/[^/]+\/)/.exec(path)?.[1];
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/;
  return ours ?? dependency.exec(path)?.[1] ?? path;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Bundles `code`. With `sources`, our packages resolve to their TypeScript sources through the
 * root tsconfig's paths, so the metafile names the files that make up our bytes (sizes are
 * measured on dist, what users install).
 */
const bundle = (code: string, sources = false) =>
  build({
    stdin: { contents: code, resolveDir: here('.') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['axios'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...(sources ? { tsconfig: here('../tsconfig.json') } : {}),
  });

export async function runSize() {
  const rows = [];
  for (const [entry, code] of ENTRIES) {
    const built = await bundle(code);
    const ours = code.includes('@portone-retry/');
    const { metafile } = ours ? await bundle(code, true) : built;
    const output = built.outputFiles[0]?.contents ?? new Uint8Array();
    const byContributor = new Map<string, number>();
    const inputs = Object.values(metafile.outputs)[0]?.inputs ?? {};
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

export type SizeRow = Awaited<ReturnType<typeof runSize>>[number];
