/**
 * Every option with a wrong type or out of range throws a TypeError at construction, and the
 * message names the option by its path (`policy.codes.5024.retries`), so a typo in config fails
 * loudly where it was made instead of silently changing how payments are retried.
 */
import { withPortOne } from '@portone-retry/axios-adapter';
import { createEngine, createPolicy, POLICY_DEFAULTS } from '@portone-retry/core';
import { createPortOneFetch } from '@portone-retry/fetch-adapter';
import { createPortOneMock, startSimulator } from '@portone-retry/testing';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Case {
  /** What is wrong, for the test name. */
  readonly label: string;
  readonly value: unknown;
  /** The option path the message must name. */
  readonly names: string;
}

/** Expects `run` to throw a TypeError whose message names `names` as a whole word. */
function expectTypeError(run: () => unknown, names: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a TypeError naming ${names}`).toBeInstanceOf(TypeError);
  const escaped = names.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  expect((thrown as TypeError).message).toMatch(new RegExp(`(^|[^\\w.])${escaped}(?![\\w])`));
}

const label = (value: unknown): string => {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

const NOT_NUMBERS = ['250', null, true, [], {}];
/** Wrong values for a count (a whole number from 0 to 100). */
const BAD_COUNTS = [-1, 1.5, 101, Number.NaN, Number.POSITIVE_INFINITY, ...NOT_NUMBERS];
/** Wrong values for a duration in ms that may be 0. */
const BAD_MS = [-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, ...NOT_NUMBERS];
/** Wrong values for a duration in ms that must be positive. */
const BAD_POSITIVE_MS = [0, ...BAD_MS];
const BAD_OBJECTS = [5, 'x', true, null, []];

/** Cases for one top-level policy key, by what kind of value it takes. */
const POLICY_KEY_CASES: Readonly<Record<keyof typeof POLICY_DEFAULTS, readonly unknown[]>> = {
  retries: BAD_COUNTS,
  minDelayMs: BAD_MS,
  maxDelayMs: BAD_MS,
  maxRetryAfterMs: BAD_MS,
  pollIntervalMs: BAD_MS,
  pollMaxIntervalMs: BAD_MS,
  deadlineMs: BAD_POSITIVE_MS,
  attemptTimeoutMs: BAD_POSITIVE_MS,
  pollDeadlineMs: BAD_POSITIVE_MS,
  customerMessages: [...BAD_OBJECTS, { 6014: 5 }, { abcd: 'x' }, { 60140: 'x' }],
  operations: [
    ...BAD_OBJECTS,
    { 'POST /api/x': { kind: 'charge' } },
    { 'api/x': { kind: 'read' } },
  ],
};

/** Rule cases, at a path such as `policy.series.system` or `policy.codes.5024`. */
const ruleCases = (path: string, wrap: (rule: unknown) => unknown): Case[] => [
  ...BAD_OBJECTS.map((rule) => ({
    label: `${path} = ${label(rule)}`,
    value: wrap(rule),
    names: path,
  })),
  { label: `${path}.retry (a typo)`, value: wrap({ retry: 3 }), names: `${path}.retry` },
  {
    label: `${path}.outcome = "maybe"`,
    value: wrap({ outcome: 'maybe' }),
    names: `${path}.outcome`,
  },
  ...BAD_COUNTS.map((v) => ({
    label: `${path}.retries = ${label(v)}`,
    value: wrap({ retries: v }),
    names: `${path}.retries`,
  })),
  ...(['minDelayMs', 'maxDelayMs'] as const).flatMap((key) =>
    BAD_MS.map((v) => ({
      label: `${path}.${key} = ${label(v)}`,
      value: wrap({ [key]: v }),
      names: `${path}.${key}`,
    })),
  ),
  {
    label: `${path} minDelayMs above maxDelayMs`,
    value: wrap({ minDelayMs: 10, maxDelayMs: 5 }),
    names: path,
  },
];

/** Every bad policy option, with the path (under `policy`) its message must name. */
const POLICY_CASES: readonly Case[] = [
  ...BAD_OBJECTS.map((v) => ({ label: `policy = ${label(v)}`, value: v, names: 'policy' })),
  ...Object.entries(POLICY_KEY_CASES).flatMap(([key, values]) =>
    values.map((v) => ({
      label: `${key} = ${label(v)}`,
      value: { [key]: v },
      names: `policy.${key}`,
    })),
  ),
  {
    label: 'minDelayMs above maxDelayMs',
    value: { minDelayMs: 10, maxDelayMs: 5 },
    names: 'policy',
  },
  { label: 'an unknown key (retry)', value: { retry: 3 }, names: 'policy.retry' },
  { label: 'an unknown key (timeoutMs)', value: { timeoutMs: 5 }, names: 'policy.timeoutMs' },
  ...BAD_OBJECTS.map((v) => ({
    label: `series = ${label(v)}`,
    value: { series: v },
    names: 'policy.series',
  })),
  { label: 'an unknown series', value: { series: { bank: {} } }, names: 'policy.series.bank' },
  ...ruleCases('policy.series.system', (rule) => ({ series: { system: rule } })),
  ...ruleCases('policy.series.transport', (rule) => ({ series: { transport: rule } })),
  ...BAD_OBJECTS.map((v) => ({
    label: `codes = ${label(v)}`,
    value: { codes: v },
    names: 'policy.codes',
  })),
  { label: 'a code of three digits', value: { codes: { 502: {} } }, names: 'policy.codes.502' },
  { label: 'a code that is a word', value: { codes: { abcd: {} } }, names: 'policy.codes.abcd' },
  ...ruleCases('policy.codes.5024', (rule) => ({ codes: { 5024: rule } })),
];

describe('createPolicy', () => {
  it('has a case for every option in POLICY_DEFAULTS', () => {
    expect(Object.keys(POLICY_KEY_CASES).sort()).toEqual(Object.keys(POLICY_DEFAULTS).sort());
  });

  it.each(POLICY_CASES)('$label → TypeError naming $names', ({ value, names }) => {
    expectTypeError(() => createPolicy(value as never), names);
  });

  it.each(POLICY_CASES.filter((c) => c.names !== 'policy'))(
    'policy.with(): $label → TypeError naming $names',
    ({ value, names }) => {
      expectTypeError(() => createPolicy().with(value as never), names);
    },
  );
});

const ENGINE_CASES: readonly Case[] = [
  ...[5, 'x', null, true].map((v) => ({
    label: `options = ${label(v)}`,
    value: v,
    names: 'engine options',
  })),
  { label: 'an unknown key (clock)', value: { clock: Date.now }, names: 'clock' },
  { label: 'an unknown key (retries)', value: { retries: 3 }, names: 'retries' },
  ...[5, 'x', true].map((v) => ({
    label: `policy = ${label(v)}`,
    value: { policy: v },
    names: 'policy',
  })),
  { label: 'policy.retries = -1', value: { policy: { retries: -1 } }, names: 'policy.retries' },
  {
    label: 'policy.codes.6014.outcome = "retry later"',
    value: { policy: { codes: { 6014: { outcome: 'retry later' } } } },
    names: 'policy.codes.6014.outcome',
  },
  ...(['random', 'now'] as const).flatMap((key) =>
    [5, 'x', {}, null].map((v) => ({
      label: `${key} = ${label(v)}`,
      value: { [key]: v },
      names: key,
    })),
  ),
  ...[5, 'x', true, null].map((v) => ({
    label: `budget = ${label(v)}`,
    value: { budget: v },
    names: 'budget',
  })),
  { label: 'budget.size (a typo)', value: { budget: { size: 5 } }, names: 'budget.size' },
  ...[5, 'x', null].map((v) => ({
    label: `breaker = ${label(v)}`,
    value: { breaker: v },
    names: 'breaker',
  })),
  { label: 'breaker.limit (a typo)', value: { breaker: { limit: 5 } }, names: 'breaker.limit' },
  ...[5, {}, null].map((v) => ({
    label: `store = ${label(v)}`,
    value: { store: v },
    names: 'store',
  })),
];

/** Bad values inside `budget` and `breaker`: the option's path, and its own name alone. */
const RESILIENCE_CASES: readonly (Case & { readonly leaf: string })[] = [
  ...(
    [
      ['capacity', 0],
      ['capacity', 1.5],
      ['retryCost', -1],
      ['timeoutCost', Number.NaN],
      ['successRefund', '1'],
      ['refillPerSecond', -1],
      ['key', ''],
      ['now', 5],
    ] as const
  ).map(([leaf, v]) => ({
    label: `budget.${leaf} = ${label(v)}`,
    value: { budget: { [leaf]: v } },
    names: `budget.${leaf}`,
    leaf,
  })),
  ...(
    [
      ['failureThreshold', 0],
      ['failureRatio', 2],
      ['minimumCalls', 0.5],
      ['windowMs', 1],
      ['openMs', Number.NaN],
      ['backoffFactor', 0.5],
      ['maxOpenMs', '1000'],
      ['probeTimeoutMs', 0],
      ['onStateChange', 'log'],
    ] as const
  ).map(([leaf, v]) => ({
    label: `breaker.${leaf} = ${label(v)}`,
    value: { breaker: { [leaf]: v } },
    names: `breaker.${leaf}`,
    leaf,
  })),
  {
    label: 'breaker.openMs above maxOpenMs',
    value: { breaker: { openMs: 10, maxOpenMs: 5 } },
    names: 'breaker.openMs',
    leaf: 'openMs',
  },
];

describe('createEngine', () => {
  it.each(ENGINE_CASES)('$label → TypeError naming $names', ({ value, names }) => {
    expectTypeError(() => createEngine(value as never), names);
  });

  // The budget and breaker messages name the path the user wrote (`budget.capacity`).
  it.each(RESILIENCE_CASES)('$label → TypeError naming the path $names', ({ value, names }) => {
    expectTypeError(() => createEngine(value as never), names);
  });
});

/** The options both adapters take, each wrong. */
const ADAPTER_CASES: readonly Case[] = [
  { label: 'an unknown key (retries)', value: { retries: 3 }, names: 'retries' },
  {
    label: 'an unknown key (baseURL, axios spelling)',
    value: { baseURL: 'http://x' },
    names: 'baseURL',
  },
  ...[5, 'x', {}, createPolicy()].map((v) => ({
    label: `engine = ${label(v)}`,
    value: { engine: v },
    names: 'engine',
  })),
  {
    label: 'engine and policy together',
    value: { engine: createEngine(), policy: {} },
    names: 'policy',
  },
  ...[5, 'x', true].map((v) => ({
    label: `policy = ${label(v)}`,
    value: { policy: v },
    names: 'policy',
  })),
  { label: 'policy.retries = 101', value: { policy: { retries: 101 } }, names: 'policy.retries' },
  {
    label: 'policy.series.card.outcome = "again"',
    value: { policy: { series: { card: { outcome: 'again' } } } },
    names: 'policy.series.card.outcome',
  },
  ...[5, '', 'api.portone.cloud', 'ftp://api.portone.cloud', 'http://', false].map((v) => ({
    label: `baseUrl = ${label(v)}`,
    value: { baseUrl: v },
    names: 'baseUrl',
  })),
  ...[5, 'eyJhbGciOiJIUzI1NiJ9.e30.x', null, true, []].map((v) => ({
    label: `token = ${label(v)}`,
    value: { token: v },
    names: 'token',
  })),
  ...['', '   ', 5, null].map((v) => ({
    label: `token.key = ${label(v)}`,
    value: { token: { key: v, secret: 's3cr3t' } },
    names: 'token.key',
  })),
  { label: 'token.key missing', value: { token: { secret: 's3cr3t' } }, names: 'token.key' },
  ...['', 5, null].map((v) => ({
    label: `token.secret = ${label(v)}`,
    value: { token: { key: 'key', secret: v } },
    names: 'token.secret',
  })),
  { label: 'token.secret missing', value: { token: { key: 'key' } }, names: 'token.secret' },
  ...[0, 59, 1.5, '3600', Number.NaN, Number.POSITIVE_INFINITY, null].map((v) => ({
    label: `token.ttlSeconds = ${label(v)}`,
    value: { token: { key: 'key', secret: 's3cr3t', ttlSeconds: v } },
    names: 'token.ttlSeconds',
  })),
  {
    label: 'token.ttl (a typo)',
    value: { token: { key: 'key', secret: 's3cr3t', ttl: 3600 } },
    names: 'token.ttl',
  },
  ...[5, 'x', {}, null].map((v) => ({
    label: `checkStatus = ${label(v)}`,
    value: { checkStatus: v },
    names: 'checkStatus',
  })),
];

const ADAPTERS = {
  withPortOne: (options: unknown) => withPortOne(axios.create(), options as never),
  createPortOneFetch: (options: unknown) => createPortOneFetch(options as never),
} as const;

describe.each(Object.entries(ADAPTERS))('%s', (_name, make) => {
  it.each(ADAPTER_CASES)('$label → TypeError naming $names', ({ value, names }) => {
    expectTypeError(() => make(value), names);
  });

  // `baseUrl: null` must not silently become the production origin.
  it('baseUrl = null → TypeError naming baseUrl', () => {
    expectTypeError(() => make({ baseUrl: null }), 'baseUrl');
  });
});

describe('adapter-specific options', () => {
  it.each([5, 'x', {}, null])('createPortOneFetch: fetch = %j → TypeError naming fetch', (v) => {
    expectTypeError(() => createPortOneFetch({ fetch: v as never }), 'fetch');
  });

  it('withPortOne: fetch is not one of its options', () => {
    expectTypeError(() => withPortOne(axios.create(), { fetch } as never), 'fetch');
  });

  it.each([5, 'x', true, null])('withPortOne: options = %j → TypeError naming options', (v) => {
    expectTypeError(() => withPortOne(axios.create(), v as never), 'options');
  });

  it.each([{}, null, 5, 'x', () => {}])(
    'withPortOne: instance = %j → TypeError naming instance',
    (v) => {
      expectTypeError(() => withPortOne(v as never), 'instance');
    },
  );

  // Options that are not an object (a base URL passed by mistake) are refused by name.
  it.each([5, true, 'https://api.portone.cloud'])(
    'createPortOneFetch: options = %j → TypeError naming options',
    (v) => {
      expectTypeError(() => createPortOneFetch(v as never), 'options');
    },
  );
});

describe('startSimulator and the msw mock', () => {
  it('startSimulator({ host }) → TypeError naming host', async () => {
    await expect(startSimulator({ host: '0.0.0.0' } as never)).rejects.toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/\bhost\b/) }),
    );
  });

  const BAD_RATES = [2, -0.1, Number.NaN, '0.5', null, undefined, Number.POSITIVE_INFINITY];

  it.each(BAD_RATES)(
    'startSimulator({ faults: { rate: %s } }) → TypeError naming faults.rate',
    async (rate) => {
      await expect(
        startSimulator({ faults: { rate: rate as number, code: 5024 } }),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'TypeError',
          message: expect.stringMatching(/\bfaults\.rate\b/),
        }),
      );
    },
  );

  it.each(BAD_RATES)(
    'createPortOneMock({ faults: { rate: %s } }) → TypeError naming faults.rate',
    (rate) => {
      expectTypeError(
        () => createPortOneMock({ faults: { rate: rate as number, code: 5024 } }),
        'faults.rate',
      );
    },
  );

  describe('setFaults on a running simulator', () => {
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    beforeAll(async () => {
      sim = await startSimulator({ validate: false });
    });
    afterAll(async () => {
      await sim.close();
    });
    it.each(BAD_RATES)('setFaults({ rate: %s }) → TypeError naming faults.rate', (rate) => {
      expectTypeError(() => sim.setFaults({ rate: rate as number, code: 5024 }), 'faults.rate');
    });
  });
});
