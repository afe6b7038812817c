/**
 * `pnpm bench` measures the built packages, so it builds them first, but only when a package's
 * `dist` is missing or older than what it is built from (its src/, package.json, tsconfig.json
 * and tsup.config.ts): a bench run after a build does not pay for another (some 20 s here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCES = ['src', 'package.json', 'tsconfig.json', 'tsup.config.ts'];

/** The newest (or, with `oldest`, the oldest) modification time of the files under `path`. */
function mtimeUnder(path: string, oldest: boolean): number | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let found: number | undefined;
  for (const entry of readdirSync(path)) {
    const time = mtimeUnder(join(path, entry), oldest);
    if (time === undefined) continue;
    if (found === undefined || (oldest ? time < found : time > found)) found = time;
  }
  return found;
}

/** The packages under `packagesDir` whose dist is missing, empty, or older than a source file. */
export function staleDists(packagesDir: string): string[] {
  return readdirSync(packagesDir)
    .filter((name) => existsSync(join(packagesDir, name, 'package.json')))
    .filter((name) => {
      const dir = join(packagesDir, name);
      const built = mtimeUnder(join(dir, 'dist'), true);
      if (built === undefined) return true;
      return SOURCES.some((source) => (mtimeUnder(join(dir, source), false) ?? 0) > built);
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const stale = staleDists(join(root, 'packages'));
  if (stale.length === 0) {
    console.error('bench: every package is built from its current sources');
  } else {
    console.error(`bench: building (${stale.join(', ')} older than their sources)`);
    execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  }
}
