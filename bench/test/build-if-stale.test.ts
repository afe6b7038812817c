import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleDists } from '../build-if-stale.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A file at `path` under `root`, modified `secondsAgo` seconds ago. */
function file(root: string, path: string, secondsAgo: number): void {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, '');
  const time = Date.now() / 1000 - secondsAgo;
  utimesSync(full, time, time);
}

function packages(): string {
  const root = mkdtempSync(join(tmpdir(), 'bench-built-'));
  dirs.push(root);
  // built: every dist file newer than every source.
  file(root, 'built/package.json', 100);
  file(root, 'built/src/index.ts', 90);
  file(root, 'built/src/deep/more.ts', 80);
  file(root, 'built/dist/index.js', 50);
  file(root, 'built/dist/index.d.ts', 50);
  return root;
}

describe('staleDists', () => {
  it('finds nothing to build when every dist is newer than its sources', () => {
    expect(staleDists(packages())).toEqual([]);
  });

  it('finds a package whose source (however deep) or config changed after its oldest dist file', () => {
    const root = packages();
    file(root, 'built/src/deep/more.ts', 10);
    expect(staleDists(root)).toEqual(['built']);
    const other = packages();
    file(other, 'built/tsup.config.ts', 10);
    expect(staleDists(other)).toEqual(['built']);
    const partly = packages();
    // One dist file older than a source: a build that stopped half way.
    file(partly, 'built/dist/index.d.ts', 95);
    expect(staleDists(partly)).toEqual(['built']);
  });

  it('finds a package with no dist, or an empty one, and skips folders that are no package', () => {
    const root = packages();
    file(root, 'fresh/package.json', 10);
    file(root, 'fresh/src/index.ts', 10);
    mkdirSync(join(root, 'empty/dist'), { recursive: true });
    file(root, 'empty/package.json', 10);
    mkdirSync(join(root, 'notes'));
    expect(staleDists(root).sort()).toEqual(['empty', 'fresh']);
  });
});
