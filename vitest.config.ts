import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import the packages by name; this resolves them to their sources so a test run needs no
// build. The packed-tarball smoke test checks the built packages separately.
const alias = {
  '@portone-retry/core/adapter': fileURLToPath(
    new URL('./packages/core/src/adapter/index.ts', import.meta.url),
  ),
  '@portone-retry/core': src('core'),
  '@portone-retry/axios-adapter': src('axios-adapter'),
  '@portone-retry/fetch-adapter': src('fetch-adapter'),
  '@portone-retry/testing': src('testing'),
  '@portone-retry/redis-store': src('redis-store'),
  '@portone-retry/opentelemetry': src('opentelemetry'),
};

const project = (name: string, dir: string) => ({
  resolve: { alias },
  test: {
    name,
    include: [`${dir}/**/*.test.ts`],
    environment: 'node',
  },
});

const jsonReport = process.env.PORTONE_VITEST_JSON;

export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    projects: [
      project('core', 'packages/core/test'),
      project('testing', 'packages/testing/test'),
      project('axios-adapter', 'packages/axios-adapter/test'),
      project('fetch-adapter', 'packages/fetch-adapter/test'),
      project('redis-store', 'packages/redis-store/test'),
      project('opentelemetry', 'packages/opentelemetry/test'),
      project('examples', 'examples/test'),
      project('reliability', 'test/reliability'),
      project('bench', 'bench/test'),
      {
        resolve: { alias },
        test: {
          name: 'types',
          include: [],
          // The public shapes, checked by tsc (`*.test-d.ts`, vitest's expectTypeOf).
          typecheck: {
            enabled: true,
            only: true,
            include: ['packages/*/test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
    ],
  },
});
