import { defineConfig } from 'tsup';

const shared = {
  entry: { index: 'src/index.ts', adapter: 'src/adapter/index.ts' },
  dts: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
} as const;

export default defineConfig([
  { ...shared, format: ['esm'] },
  // The `portone-retry` bin: one self-contained ESM file.
  { entry: ['src/bin.ts'], format: ['esm'], dts: false, target: 'es2022', noExternal: [/.*/] },
  { ...shared, format: ['cjs'] },
]);
