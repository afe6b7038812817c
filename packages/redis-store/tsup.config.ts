import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig([
  packageBuild,
  // The `portone-retry-reconcile` bin: ESM, its dependencies resolved from node_modules.
  { entry: ['src/bin.ts'], format: ['esm'], dts: false, target: 'es2022', clean: false },
]);
