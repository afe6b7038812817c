// Checks every published package as users will receive it: its manifest (a prepack build, the
// licence, the repository), publint --strict and @arethetypeswrong/cli on the packed package, then
// a smoke test that installs the packed tarballs into a temporary project and, as ESM and as CJS,
// imports each package and calls it.
// Needs built packages (`pnpm build`). Usage: node scripts/check-packages.mjs [--no-smoke]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = [
  'core',
  'axios-adapter',
  'fetch-adapter',
  'testing',
  'redis-store',
  'opentelemetry',
];
const run = (cmd, args, cwd, options = {}) =>
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
  });
// The packs made here check the build `pnpm build` made: they skip the prepack build.
const packing = { env: { ...process.env, npm_config_ignore_scripts: 'true' } };
const output = (error) => `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();

let failed = false;
const fail = (what, detail) => {
  failed = true;
  console.error(`FAIL  ${what}${detail ? `\n${detail}` : ''}`);
};

const REPOSITORY = 'git+https://github.com/portone-retry/portone-retry.git';
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

/** What a manifest needs before anything is packed: each problem as a sentence. */
function manifestProblems(name) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];
  // Without it, a pack or publish from a fresh clone ships no dist, and says nothing.
  if (manifest.scripts?.prepack !== 'pnpm run build')
    problems.push('prepack is not `pnpm run build`');
  if (manifest.license !== 'MIT') problems.push('license is not MIT');
  if (!existsSync(join(dir, 'LICENSE')) || readFileSync(join(dir, 'LICENSE'), 'utf8') !== license) {
    problems.push('no LICENSE, or one that differs from the root LICENSE');
  }
  const repository = manifest.repository ?? {};
  if (
    repository.type !== 'git' ||
    repository.url !== REPOSITORY ||
    repository.directory !== `packages/${name}`
  ) {
    problems.push(
      `repository is not { type: git, url: ${REPOSITORY}, directory: packages/${name} }`,
    );
  }
  return problems;
}

/**
 * Every installed dependency with an install script is either allowed to run it or ignored on
 * purpose in the root package.json: otherwise `pnpm install` ends in a boxed warning that asks a
 * newcomer to decide (msw's postinstall only copies a service worker into a web app: ignored).
 */
function unlistedBuildScripts() {
  const store = join(root, 'node_modules', '.pnpm');
  const { onlyBuiltDependencies = [], ignoredBuiltDependencies = [] } =
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).pnpm ?? {};
  const listed = new Set([...onlyBuiltDependencies, ...ignoredBuiltDependencies]);
  const unlisted = new Set();
  for (const entry of readdirSync(store)) {
    const name = entry.replace(/^(@?[^@]+)@.*$/, '$1').replace('+', '/');
    const manifest = join(store, entry, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (['preinstall', 'install', 'postinstall'].some((hook) => scripts[hook])) {
      if (!listed.has(name)) unlisted.add(name);
    }
  }
  return [...unlisted];
}

const unlisted = unlistedBuildScripts();
if (unlisted.length > 0) {
  fail(
    'install  build scripts',
    `${unlisted.join(', ')}: list in pnpm.onlyBuiltDependencies or pnpm.ignoredBuiltDependencies`,
  );
} else {
  console.log('ok    install  every build script is allowed or ignored on purpose');
}

for (const name of packages) {
  const problems = manifestProblems(name);
  if (problems.length > 0) fail(`manifest @portone-retry/${name}`, problems.join('\n'));
  else console.log(`ok    manifest @portone-retry/${name}`);
}

for (const name of packages) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'dist'))) {
    fail(`@portone-retry/${name}`, 'no dist/: run `pnpm build` first');
    continue;
  }
  for (const [tool, args] of [
    ['publint', ['publint', '--strict']],
    ['attw', ['attw', '--pack', '.', '--format', 'table-flipped']],
  ]) {
    try {
      run('npx', ['--no-install', ...args], dir, packing);
      console.log(`ok    ${tool.padEnd(8)} @portone-retry/${name}`);
    } catch (error) {
      fail(`${tool.padEnd(8)} @portone-retry/${name}`, output(error));
    }
  }
}

/**
 * What each package must do once installed, as an async function body given `m` (the package)
 * and `load` (import or require, to reach a peer).
 */
const checks = {
  '@portone-retry/core': `
    if (m.lookupCode(6014).series !== 'card') throw new Error('lookupCode');
    // Signatures use Web Crypto: this proves both builds reach it once installed.
    const fields = { amount: 100, client_key: 'k', currency: 'KRW', failure_url: 'https://f', merchant_order_id: 'O-1', success_url: 'https://s' };
    if ((await m.signRequest('payment', fields, 's')).length !== 44) throw new Error('signRequest');`,
  '@portone-retry/axios-adapter': `
    const axios = await load('axios');
    const client = m.withPortOne((axios.default ?? axios).create());
    if (typeof client.portone.execute !== 'function') throw new Error('withPortOne');`,
  '@portone-retry/fetch-adapter': `
    if (typeof m.createPortOneFetch().portone.execute !== 'function') throw new Error('createPortOneFetch');`,
  '@portone-retry/testing': `
    if (!(m.portoneHandlers().length > 0)) throw new Error('portoneHandlers');`,
  '@portone-retry/redis-store': `
    const ioredis = await load('ioredis');
    // lazyConnect: a real client, and no connection is attempted.
    const client = new (ioredis.Redis ?? ioredis.default)({ lazyConnect: true });
    try {
      // The installed core must accept it as its store: the two packages agree on the contract.
      const core = await load('@portone-retry/core');
      core.createEngine({ store: m.createRedisStore({ client }) });
    } finally {
      client.disconnect();
    }`,
  '@portone-retry/opentelemetry': `
    // With the global (no-op) providers, as an app that has not set up OpenTelemetry yet.
    const core = await load('@portone-retry/core');
    const remove = m.instrument(core.createEngine());
    if (typeof remove !== 'function') throw new Error('instrument');
    remove();`,
};

/**
 * msw's own CommonJS build requires an ESM-only dependency, so the testing kit's `require()` needs
 * a Node that can require ESM (20.19+); the other packages must work on every Node 20.
 */
const NEEDS_REQUIRE_ESM = new Set(['@portone-retry/testing']);

function smokeScript(kind, { requireEsm = true } = {}) {
  const load = kind === 'esm' ? '(name) => import(name)' : 'async (name) => require(name)';
  const body = Object.entries(checks)
    .filter(([pkg]) => requireEsm || !NEEDS_REQUIRE_ESM.has(pkg))
    .map(
      ([pkg, check]) => `  try {
    const m = await load('${pkg}');
    ${check.trim()}
  } catch (error) {
    console.error('${kind.toUpperCase()} ${pkg}:', error);
    process.exitCode = 1;
  }`,
    )
    .join('\n');
  return `const load = ${load};\n(async () => {\n${body}\n})();\n`;
}

/**
 * The third-party versions pnpm-lock.yaml pins, by name (names locked at one version only). The
 * smoke install is held to them, so it installs the tree the tests ran against, not whatever the
 * registry lists newest that day (a registry may list a version whose own dependencies it lacks).
 */
function lockedVersions() {
  const lock = readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
  const section = lock.slice(lock.indexOf('\npackages:\n'), lock.indexOf('\nsnapshots:\n'));
  const versions = new Map();
  for (const [, name, version] of section.matchAll(/^ {2}'?(@?[^@\s']+)@([^(':\s]+)'?:/gm)) {
    versions.set(name, [...(versions.get(name) ?? []), version]);
  }
  const pinned = {};
  for (const [name, list] of versions) if (list.length === 1) pinned[name] = list[0];
  return pinned;
}

/** The registry is reachable if `npm ping` answers; an offline machine skips, visibly. */
function registryReachable() {
  try {
    run('npm', ['ping', '--loglevel=error'], root, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

if (!failed && !process.argv.includes('--no-smoke')) {
  if (!registryReachable()) {
    console.warn('SKIP  smoke test: the npm registry cannot be reached (npm ping failed)');
  } else {
    const work = mkdtempSync(join(tmpdir(), 'portone-retry-smoke-'));
    try {
      for (const name of packages) {
        // pnpm pack turns `workspace:^` into the real version range, as a publish does.
        run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', name), packing);
      }
      const tarballs = readdirSync(work).filter((file) => file.endsWith('.tgz'));
      for (const tarball of tarballs) {
        const files = run('tar', ['-tzf', tarball], work).split('\n');
        for (const file of ['package/LICENSE', 'package/dist/index.js', 'package/dist/index.cjs']) {
          if (!files.includes(file)) fail(`pack     ${tarball}`, `${file} is not in the tarball`);
        }
      }
      const pinned = lockedVersions();
      const peers = ['axios', 'msw', '@opentelemetry/api'].map(
        (name) => `${name}@${pinned[name] ?? '*'}`,
      );
      writeFileSync(
        join(work, 'package.json'),
        JSON.stringify({ name: 'smoke', private: true, overrides: pinned }),
      );
      run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...tarballs.map((t) => `./${t}`),
          ...peers,
        ],
        work,
      );
      writeFileSync(join(work, 'esm.mjs'), smokeScript('esm'));
      writeFileSync(join(work, 'cjs.cjs'), smokeScript('cjs'));
      writeFileSync(join(work, 'cjs-old-node.cjs'), smokeScript('cjs', { requireEsm: false }));
      const runs = [
        ['ESM import', ['esm.mjs']],
        ['CJS require', ['cjs.cjs']],
      ];
      // Node 20 before 20.19 cannot require() ESM: turn that off to test what those users get.
      if (process.allowedNodeEnvironmentFlags.has('--no-experimental-require-module')) {
        runs.push([
          'CJS require as on Node < 20.19 (testing kit excepted)',
          ['--no-experimental-require-module', 'cjs-old-node.cjs'],
        ]);
      }
      for (const [label, args] of runs) {
        try {
          run('node', args, work);
          console.log(`ok    smoke    ${label}`);
        } catch (error) {
          fail(`smoke    ${label}`, output(error));
        }
      }
      try {
        // Through the link npm makes from `bin`: checks the field, the hashbang and the mode.
        const out = run(join('node_modules', '.bin', 'portone-retry'), ['explain', '4001'], work);
        if (!out.includes('4001 INVALID_REQUEST_DATA')) throw { stdout: out };
        console.log('ok    smoke    the installed `portone-retry` bin');
      } catch (error) {
        fail('smoke    the installed `portone-retry` bin', output(error));
      }
      try {
        // The command the README gives users: npx runs the package's only bin, found installed
        // (--offline: it must not reach for the registry). npm exec re-reads the manifest, and
        // the pins above clash with the ranges npm saved: drop them, the tree is installed.
        writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'smoke', private: true }));
        const out = run('npx', ['--offline', '@portone-retry/core', 'explain', '4001'], work);
        if (!out.includes('4001 INVALID_REQUEST_DATA')) throw { stdout: out };
        console.log('ok    smoke    `npx @portone-retry/core explain`');
      } catch (error) {
        fail('smoke    `npx @portone-retry/core explain`', output(error));
      }
    } catch (error) {
      fail('smoke    packing or installing the tarballs', output(error));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
process.exit(failed ? 1 : 0);
