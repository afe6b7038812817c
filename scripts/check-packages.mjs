// Checks every published package as users will receive it: publint --strict and
// @arethetypeswrong/cli on the packed package, then a smoke test that installs the packed
// tarballs into a temporary project and imports each package as ESM and as CJS.
// Needs built packages (`pnpm build`). Usage: node scripts/check-packages.mjs [--no-smoke]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = ['core', 'axios-adapter', 'fetch-adapter', 'testing', 'redis-store'];
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

let failed = false;
for (const name of packages) {
  const dir = join(root, 'packages', name);
  for (const [tool, args] of [
    ['publint', ['publint', '--strict']],
    ['attw', ['attw', '--pack', '.', '--format', 'table-flipped']],
  ]) {
    try {
      run('npx', ['--no-install', ...args], dir);
      console.log(`ok    ${tool.padEnd(8)} @portone-retry/${name}`);
    } catch (error) {
      failed = true;
      console.error(
        `FAIL  ${tool.padEnd(8)} @portone-retry/${name}\n${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
    }
  }
}

if (!failed && !process.argv.includes('--no-smoke')) {
  const work = mkdtempSync(join(tmpdir(), 'portone-retry-smoke-'));
  try {
    for (const name of packages) {
      run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', name));
    }
    const tarballs = readdirSync(work).filter((file) => file.endsWith('.tgz'));
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'smoke', private: true }));
    try {
      run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...tarballs.map((t) => `./${t}`),
          'axios@^1',
          'msw@^2',
        ],
        work,
      );
    } catch (error) {
      console.warn(
        `SKIP  smoke test: npm could not install the tarballs (registry unreachable?)\n${error.stderr ?? ''}`,
      );
      process.exit(0);
    }
    const checks = {
      '@portone-retry/core':
        "typeof m.createEngine === 'function' && m.lookupCode(6014).series === 'card'",
      '@portone-retry/axios-adapter': "typeof m.withPortOne === 'function'",
      '@portone-retry/fetch-adapter':
        "typeof m.createPortOneFetch === 'function' && typeof m.createPortOneFetch().portone.execute === 'function'",
      '@portone-retry/testing': "typeof m.startSimulator === 'function'",
      '@portone-retry/redis-store': "typeof m.createRedisStore === 'function'",
    };
    const esm = Object.entries(checks)
      .map(
        ([pkg, check]) =>
          `{ const m = await import('${pkg}'); if (!(${check})) throw new Error('ESM ${pkg}'); }`,
      )
      .join('\n');
    const cjs = Object.entries(checks)
      .map(
        ([pkg, check]) =>
          `{ const m = require('${pkg}'); if (!(${check})) throw new Error('CJS ${pkg}'); }`,
      )
      .join('\n');
    writeFileSync(
      join(work, 'esm.mjs'),
      `${esm}\nconsole.log('ok    smoke    ESM import of ${packages.length} packages');\n`,
    );
    writeFileSync(
      join(work, 'cjs.cjs'),
      `${cjs}\nconsole.log('ok    smoke    CJS require of ${packages.length} packages');\n`,
    );
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      try {
        process.stdout.write(run('node', [file], work));
      } catch (error) {
        failed = true;
        console.error(`FAIL  smoke ${file}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
