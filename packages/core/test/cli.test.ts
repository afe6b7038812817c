import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderErrorCodesMarkdown } from '../../../scripts/error-codes.js';
import { main } from '../src/cli.js';

function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = main(argv, (text, stream) => {
    if (stream === 'out') out += text;
    else err += text;
  });
  return { code, out, err };
}

describe('portone-retry CLI', () => {
  it('explains a code: meaning, default outcome, error class and customer message', () => {
    const { code, out } = run('explain', '6014');
    expect(code).toBe(0);
    expect(out).toContain('6014 INVALID_CARD_DECLINED_ERROR');
    expect(out).toContain('series:           card');
    expect(out).toContain('default outcome:  surface');
    expect(out).toContain('PortOneCardError');
    expect(out).toContain('Your card was declined.');
  });

  it('explains by status string, and shows both rows of 4081', () => {
    expect(run('explain', 'psp_communication_error').out).toMatch(
      /5024 PSP_COMMUNICATION_ERROR[\s\S]*retry/,
    );
    const both = run('explain', '4081').out;
    expect(both).toContain('PARTIAL_REFUND_NOT_ALLOWED');
    expect(both).toContain('ROLE_NOT_ALLOWED');
  });

  it('says why a refined code differs from its series', () => {
    expect(run('explain', '5022').out).toContain('configuration, not transient');
    expect(run('explain', '4054').out).toContain('PortOneAuthenticationError');
  });

  it('lists a series', () => {
    const { code, out } = run('codes', '--series', 'card');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(15);
    expect(lines.every((line) => /^60\d\d /.test(line))).toBe(true);
  });

  it('fails clearly on an unknown code, series or command', () => {
    expect(run('explain', '9999')).toMatchObject({
      code: 1,
      err: expect.stringContaining('9999 is not in'),
    });
    expect(run('codes', '--series', 'nope')).toMatchObject({
      code: 1,
      err: expect.stringContaining('--series must be one of'),
    });
    expect(run('frobnicate')).toMatchObject({
      code: 1,
      err: expect.stringContaining('unknown command'),
    });
    expect(run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage') });
  });

  const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  it.skipIf(!existsSync(bin))('runs as the built bin', () => {
    const out = execFileSync(process.execPath, [bin, 'explain', '4001'], { encoding: 'utf8' });
    expect(out).toContain('4001 INVALID_REQUEST_DATA');
  });
});

describe('docs/error-codes.md', () => {
  it('matches the catalogue (run `pnpm docs:codes` when this fails)', () => {
    const committed = readFileSync(
      new URL('../../../docs/error-codes.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderErrorCodesMarkdown());
  });
});
