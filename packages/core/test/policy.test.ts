import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFINEMENTS } from '../src/catalogue/refinements.js';
import {
  type Classification,
  classify,
  createPolicy,
  isPolicy,
  lookupCode,
  POLICY_DEFAULTS,
  type PolicyOptions,
} from './support/internals.js';

const answer = (
  code: number,
  httpStatus = 400,
  headers: Record<string, string> = {},
): Classification =>
  classify({
    httpStatus,
    headers,
    body: { status_code: String(code), status_reason: lookupCode(code)?.status },
  });

describe('createPolicy', () => {
  it('starts from the documented defaults', () => {
    expect(createPolicy().settings).toEqual(POLICY_DEFAULTS);
    expect(POLICY_DEFAULTS).toMatchObject({ retries: 3, minDelayMs: 250, maxDelayMs: 8000 });
  });

  it.each([
    [{ series: { nope: {} } }, 'policy.series.nope'],
    [{ series: { system: { outcome: 'explode' } } }, 'policy.series.system.outcome'],
    [{ retries: -1 }, 'policy.retries'],
    [{ retries: 1.5 }, 'policy.retries'],
    [
      { minDelayMs: 500, maxDelayMs: 100 },
      'policy.minDelayMs (500) must not exceed policy.maxDelayMs (100)',
    ],
    [{ codes: { 5024: { retries: -2 } } }, 'policy.codes.5024.retries'],
    [{ codes: { abc: {} } }, 'policy.codes.abc'],
    [{ codes: { 5024: { minDelayMs: 9, maxDelayMs: 1 } } }, 'policy.codes.5024'],
    [{ deadlineMs: 0 }, 'policy.deadlineMs'],
    [{ attemptTimeoutMs: Number.NaN }, 'policy.attemptTimeoutMs'],
    [{ retry: 3 }, 'policy.retry is not a policy option'],
    [{ customerMessages: { 6014: 5 } }, 'policy.customerMessages.6014'],
  ])('rejects %j naming the option', (options, name) => {
    expect(() => createPolicy(options as never)).toThrow(TypeError);
    expect(() => createPolicy(options as never)).toThrow(name);
  });

  it.each([
    [{ retries: '3' }, 'policy.retries must be a whole number from 0 to 100, got "3"'],
    [{ retries: 3.5 }, 'got 3.5'],
    [{ minDelayMs: '250' }, 'policy.minDelayMs must be a finite number of ms ≥ 0, got "250"'],
    [{ codes: { 5024: { retries: '' } } }, 'policy.codes.5024.retries must be', 'got ""'],
    [{ series: { card: { outcome: 'later' } } }, 'must be one of', 'got "later"'],
  ])('quotes a string where a number was wanted: %j', (options, ...parts) => {
    const message = () => {
      try {
        createPolicy(options as never);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    for (const part of parts) expect(message()).toContain(part);
  });

  it.each([
    [
      { minDelayMs: 10_000 },
      'policy.minDelayMs (10000) must not exceed the default maxDelayMs (8000)',
    ],
    [{ maxDelayMs: 100 }, 'the default minDelayMs (250) must not exceed policy.maxDelayMs (100)'],
    [
      { pollIntervalMs: 20_000, pollMaxIntervalMs: 5000 },
      'policy.pollIntervalMs (20000) must not exceed policy.pollMaxIntervalMs (5000)',
    ],
    [
      { pollIntervalMs: 20_000 },
      'policy.pollIntervalMs (20000) must not exceed the default pollMaxIntervalMs (10000)',
    ],
    [
      { series: { psp: { minDelayMs: 9000 } } },
      'policy.series.psp.minDelayMs (9000) must not exceed the default maxDelayMs (8000), which policy.series.psp inherits',
    ],
    [
      { maxDelayMs: 1000, series: { system: { minDelayMs: 2000 } } },
      'policy.series.system.minDelayMs (2000) must not exceed policy.maxDelayMs (1000)',
    ],
    [
      { series: { system: { maxDelayMs: 300 } }, codes: { 5024: { minDelayMs: 400 } } },
      'policy.codes.5024.minDelayMs (400) must not exceed policy.series.system.maxDelayMs (300), which policy.codes.5024 inherits',
    ],
    [
      { codes: { 5024: { minDelayMs: 9, maxDelayMs: 1 } } },
      'policy.codes.5024.minDelayMs (9) must not exceed policy.codes.5024.maxDelayMs (1)',
    ],
  ])('rejects a lower bound above its upper bound, naming both: %j', (options, message) => {
    expect(() => createPolicy(options as PolicyOptions)).toThrow(TypeError);
    expect(() => createPolicy(options as PolicyOptions)).toThrow(message);
  });

  it('accepts bounds that meet, and checks with() against the policy it extends', () => {
    expect(() => createPolicy({ minDelayMs: 8000 })).not.toThrow();
    expect(() => createPolicy({ pollIntervalMs: 10_000 })).not.toThrow();
    // A code in another series does not inherit this series' cap.
    expect(() =>
      createPolicy({
        series: { system: { maxDelayMs: 300 } },
        codes: { 8001: { minDelayMs: 400 } },
      }),
    ).not.toThrow();
    const base = createPolicy({ maxDelayMs: 1000 });
    expect(() => base.with({ minDelayMs: 2000 })).toThrow(
      'policy.minDelayMs (2000) must not exceed policy.maxDelayMs (1000)',
    );
    expect(base.with({ minDelayMs: 1000, maxDelayMs: 5000 }).settings.minDelayMs).toBe(1000);
  });

  it('applies precedence: user code rule > catalogue refinement > user series rule > series default', () => {
    const policy = createPolicy({
      series: { system: { outcome: 'fail', retries: 1 }, psp: { outcome: 'fail' } },
      codes: { 5001: { outcome: 'retry' } },
    });
    expect(policy.ruleFor(answer(5024))).toMatchObject({
      outcome: 'fail',
      source: 'series',
      retries: 1,
    });
    expect(policy.ruleFor(answer(5001))).toMatchObject({ outcome: 'retry', source: 'code' });
    expect(policy.ruleFor(answer(8002))).toMatchObject({
      outcome: 'surface',
      source: 'refinement',
    });
    expect(policy.ruleFor(answer(6014))).toMatchObject({ outcome: 'surface', source: 'default' });
  });

  it('never retries 4088, whatever the override says', () => {
    const policy = createPolicy({ codes: { 4088: { outcome: 'retry', retries: 5 } } });
    expect(policy.ruleFor(answer(4088)).outcome).toBe('fail');
  });

  it('layers per-call overrides with with()', () => {
    const base = createPolicy({ retries: 5, codes: { 5024: { retries: 2 } } });
    const call = base.with({ codes: { 5024: { minDelayMs: 1 } } });
    expect(call.ruleFor(answer(5024))).toMatchObject({ retries: 2, minDelayMs: 1 });
    expect(base.ruleFor(answer(5024)).minDelayMs).toBe(250);
    expect(() => base.with({ retries: -1 })).toThrow('policy.retries');
  });

  it('ignores options given as undefined (as JavaScript callers do), keeping the defaults', () => {
    const loose = (options: unknown) => createPolicy(options as PolicyOptions);
    const policy = loose({ retries: undefined, minDelayMs: 100, deadlineMs: undefined });
    expect(policy.settings).toMatchObject({ retries: 3, minDelayMs: 100, deadlineMs: 30_000 });
    const rule = loose({ codes: { 5024: { retries: undefined, maxDelayMs: 500 } } });
    expect(rule.ruleFor(answer(5024, 500))).toMatchObject({ retries: 3, maxDelayMs: 500 });
  });

  it('overrides a series: retries, delays and outcome', () => {
    const policy = createPolicy({
      series: {
        psp: { retries: 1, minDelayMs: 10, maxDelayMs: 20 },
        transport: { outcome: 'fail' },
      },
    });
    expect(policy.ruleFor(answer(8001))).toMatchObject({
      outcome: 'retry',
      retries: 1,
      minDelayMs: 10,
      maxDelayMs: 20,
    });
    const reset = classify({ error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    expect(policy.ruleFor(reset)).toMatchObject({ outcome: 'fail', source: 'series' });
    expect(createPolicy().ruleFor(reset).outcome).toBe('retry');
  });

  it('is branded, frozen and validated again on with()', () => {
    const policy = createPolicy();
    expect(isPolicy(policy)).toBe(true);
    expect(isPolicy({ ...policy })).toBe(false);
    expect(Object.isFrozen(policy.settings)).toBe(true);
    expect(policy.with()).toBe(policy);
    expect(() => policy.with({ series: { card: { outcome: 'maybe' as never } } })).toThrow(
      'policy.series.card.outcome',
    );
  });

  it.each([[null], [5], ['retries'], [[]]])('rejects %j as options', (options) => {
    expect(() => createPolicy(options as never)).toThrow(TypeError);
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('lists every per-code refinement with its outcome and reason', () => {
    for (const [code, { outcome, reason }] of Object.entries(REFINEMENTS)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| ${code} |`));
      expect(row, `row for ${code}`).toBeDefined();
      expect(row).toContain(`| ${outcome} | ${reason} |`);
    }
  });

  it('states every default as the code has it', () => {
    for (const [option, value] of Object.entries(POLICY_DEFAULTS)) {
      const expected = typeof value === 'number' ? `\`${value}\`` : '`{}`';
      expect(readme).toContain(`| \`${option}\` | ${expected} |`);
    }
  });
});
