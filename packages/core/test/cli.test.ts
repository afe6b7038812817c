import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { CATALOGUE, DEFAULT_CUSTOMER_MESSAGES } from './support/internals.js';

function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = main(argv, (text, stream) => {
    if (stream === 'out') out += text;
    else err += text;
  });
  return { code, out, err };
}

describe('portone-retry explain', () => {
  it('explains a code: meaning, default outcome, error class and customer message', () => {
    const { code, out, err } = run('explain', '6014');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('6014 INVALID_CARD_DECLINED_ERROR');
    expect(out).toMatch(/series: +6000 bank\/card/);
    expect(out).toMatch(/default outcome: +surface: never retried/);
    expect(out).toMatch(/error class: +PortOneCardError/);
    expect(out).toContain(DEFAULT_CUSTOMER_MESSAGES[6014]);
  });

  it('says why a refined code differs from its series', () => {
    const out = run('explain', '5022').out;
    expect(out).toMatch(/default outcome: +fail/);
    expect(out).toMatch(/why: +.*configuration, not transient/);
    expect(run('explain', '4054').out).toMatch(/error class: +PortOneAuthenticationError/);
    expect(run('explain', '4001').out).not.toContain('why:');
  });

  it('finds a code by its status, in any case, and shows both rows of 4081', () => {
    expect(run('explain', 'psp_communication_error').out).toMatch(
      /^5024 PSP_COMMUNICATION_ERROR[\s\S]*default outcome: +retry/,
    );
    const both = run('explain', '4081').out;
    expect(both).toContain('4081 PARTIAL_REFUND_NOT_ALLOWED');
    expect(both).toContain('4081 ROLE_NOT_ALLOWED');
  });

  it('explains the 1000 and 2000 series, which PortOne documents without single codes', () => {
    expect(run('explain', '2000')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/default outcome: +succeed[\s\S]*the call resolves/),
    });
    expect(run('explain', '1001')).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /poll[\s\S]*PortOnePendingTimeoutError \(only if it never settles\)/,
      ),
    });
  });

  it('explains several codes at once', () => {
    const { code, out } = run('explain', '4001', '6013');
    expect(code).toBe(0);
    expect(out).toMatch(/^4001 [\s\S]*\n\n6013 /);
  });

  it.each([
    [
      'an unlisted code of a known series',
      '5999',
      /5999 is not in PortOne's code reference.*system.*retry, PortOneSystemError/,
    ],
    ['a number outside the code range', '9999', /9999 is not a PortOne status code/],
    ['a 3xxx number', '3001', /3001 is not a PortOne status code/],
    [
      'an unknown status',
      'NOT_A_STATUS',
      /NOT_A_STATUS is not a status in PortOne's code reference/,
    ],
  ])('exits 1 with a clear message for %s', (_, query, message) => {
    const { code, out, err } = run('explain', query);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });

  it('exits 1 when any of several codes is unknown, still explaining the others', () => {
    const { code, out, err } = run('explain', '4001', '9999');
    expect(code).toBe(1);
    expect(out).toContain('4001 INVALID_REQUEST_DATA');
    expect(err).toContain('9999');
  });

  it('exits 1 without a code', () => {
    expect(run('explain')).toMatchObject({
      code: 1,
      err: expect.stringContaining('explain needs'),
    });
  });
});

describe('portone-retry codes', () => {
  it('lists one series, by name or by number', () => {
    const byName = run('codes', '--series', 'card');
    expect(byName.code).toBe(0);
    const lines = byName.out.trim().split('\n');
    const cards = CATALOGUE.filter((info) => info.series === 'card');
    expect(lines).toHaveLength(cards.length);
    expect(lines.map((line) => Number(line.slice(0, 4)))).toEqual(cards.map((info) => info.code));
    expect(lines.every((line) => /surface +PortOneCardError$/.test(line))).toBe(true);
    expect(run('codes', '--series=6000').out).toBe(byName.out);
  });

  it('lists every code without --series', () => {
    const { code, out } = run('codes');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(CATALOGUE.length);
  });

  it('says where to look for a series without single codes', () => {
    expect(run('codes', '--series', 'success')).toMatchObject({
      code: 0,
      out: expect.stringContaining('explain 2000'),
    });
  });

  it.each([
    [['codes', '--series', 'nope'], '--series must be one of'],
    [['codes', '--series'], '--series must be one of'],
    [['codes', '--series', '3000'], '--series must be one of'],
    [['codes', '--verbose'], 'unknown argument --verbose'],
  ])('%j exits 1: %s', (argv, message) => {
    expect(run(...argv)).toMatchObject({ code: 1, err: expect.stringContaining(message) });
  });
});

describe('portone-retry help and commands', () => {
  it('--help prints the usage and exits 0; no command prints it to stderr and exits 1', () => {
    expect(run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage:') });
    expect(run()).toMatchObject({ code: 1, out: '', err: expect.stringContaining('Usage:') });
  });

  it('exits 1 on an unknown command', () => {
    expect(run('frobnicate')).toMatchObject({
      code: 1,
      err: expect.stringContaining('unknown command: frobnicate'),
    });
  });
});

describe('the built bin', () => {
  const bin = fileURLToPath(new URL('../bin/portone-retry.mjs', import.meta.url));
  const built = existsSync(fileURLToPath(new URL('../dist/bin.js', import.meta.url)));
  it.skipIf(!built)('explains a code, and exits 1 on an unknown one', () => {
    const out = execFileSync(process.execPath, [bin, 'explain', '4001'], { encoding: 'utf8' });
    expect(out).toContain('4001 INVALID_REQUEST_DATA');
    const unknown = spawnSync(process.execPath, [bin, 'explain', '9999'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('9999 is not a PortOne status code');
  });
});

describe('the commands the READMEs give', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
  const docs = [
    'README.md',
    'packages/core/README.md',
    'packages/testing/README.md',
    'docs/error-codes.md',
  ] as const;

  it('runs the CLI from a clone with `pnpm portone-retry`, and needs no build', () => {
    expect(read('README.md')).toContain('`pnpm portone-retry explain 6014`');
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    // From the sources, so it works right after `pnpm install`, before any build.
    expect(scripts['portone-retry']).toBe('tsx packages/core/src/bin.ts');
    const result = spawnSync('pnpm', ['-s', 'portone-retry', 'explain', '6014'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^6014 INVALID_CARD_DECLINED_ERROR\n/);
    expect(result.status).toBe(0);
  }, 90_000);

  it('gives users the scoped package to npx, never the bare bin name', () => {
    // `npx portone-retry` looks up an unscoped registry name that is not ours.
    for (const doc of docs) expect(read(doc), doc).not.toMatch(/npx (-\S+ )*portone-retry\b/);
    expect(read('README.md')).toContain('`npx @portone-retry/core explain 6014`');
    // npx runs a package's only bin whatever its name: this must stay the only one.
    const bins = JSON.parse(read('packages/core/package.json')).bin as Record<string, string>;
    expect(Object.keys(bins)).toEqual(['portone-retry']);
  });
});
