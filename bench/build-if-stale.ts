/**
 * `pnpm bench` measures the built packages, so it builds them first, but only when a package's
 * `dist` is missing or older than its src/ or build config: a bench run after a build does not
 * pay for another (some 20 s here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest modification time of the files under `path` (0 when there is none). */
const newest = (path: string): number => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
};

const root = fileURLToPath(new URL('..', import.meta.url));
const stale = readdirSync(join(root, 'packages')).filter((name) => {
  const dir = join(root, 'packages', name);
  const built = join(dir, 'dist', 'index.js');
  if (!existsSync(join(dir, 'package.json'))) return false;
  if (!existsSync(built)) return true;
  const sources = ['src', 'package.json', 'tsconfig.json', 'tsup.config.ts'];
  return Math.max(...sources.map((s) => newest(join(dir, s)))) > statSync(built).mtimeMs;
});
if (stale.length === 0) {
  console.error('bench: every package is built from its current sources');
} else {
  console.error(`bench: building (${stale.join(', ')} older than their sources)`);
  execFileSync('pnpm', ['build'], { cwd: root, stdio: ['ignore', 2, 2] });
}
