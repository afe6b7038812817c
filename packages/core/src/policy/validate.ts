import { SERIES, seriesOf } from '../catalogue/index.js';
import { validateDeclaredOperations } from '../operations/declared.js';
import type { ErrorSeries, Outcome } from '../types.js';
import { POLICY_DEFAULTS, type PolicyOptions, type Rule } from './options.js';

const OUTCOMES: readonly Outcome[] = ['succeed', 'poll', 'fail', 'retry', 'surface'];
const ERROR_SERIES: readonly ErrorSeries[] = [...SERIES, 'transport'];
const RULE_KEYS = ['outcome', 'retries', 'minDelayMs', 'maxDelayMs'] as const;
const TOP_KEYS = new Set<string>([...Object.keys(POLICY_DEFAULTS), 'series', 'codes']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as the user wrote it: `"3"` for a string, so it does not read as the number 3. */
const shown = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

function checkCount(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw new TypeError(`${name} must be a whole number from 0 to 100, got ${shown(value)}`);
  }
}

function checkMs(name: string, value: unknown, min = 0): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`${name} must be a finite number of ms ≥ ${min}, got ${shown(value)}`);
  }
}

/**
 * Card networks penalise re-attempts of a declined card (fees, and merchants flagged for
 * excessive retries): a decline goes to the customer, and no option may turn it into a retry.
 */
function checkNotDeclineRetry(name: string, rule: unknown): void {
  if ((rule as Rule).outcome === 'retry') {
    throw new TypeError(
      `${name}.outcome cannot be 'retry': it is a card decline, and card networks penalise re-attempts of a declined card (declines are surfaced to the customer, never retried)`,
    );
  }
}

function checkRule(name: string, rule: unknown): void {
  if (!isRecord(rule)) throw new TypeError(`${name} must be an object`);
  for (const key of Object.keys(rule)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`${name}.${key} is not a rule option (${RULE_KEYS.join(', ')})`);
    }
  }
  const { outcome, retries, minDelayMs, maxDelayMs } = rule as Rule;
  if (outcome !== undefined && !OUTCOMES.includes(outcome)) {
    throw new TypeError(
      `${name}.outcome must be one of ${OUTCOMES.join(', ')}, got ${shown(outcome)}`,
    );
  }
  checkCount(`${name}.retries`, retries);
  checkMs(`${name}.minDelayMs`, minDelayMs);
  checkMs(`${name}.maxDelayMs`, maxDelayMs);
}

/**
 * Validates policy options at construction: a bad option throws a TypeError naming it, e.g.
 * `policy.codes.5024.retries`. Unknown keys are rejected, as a typo would silently do nothing.
 */
export function validatePolicyOptions(options: unknown, path = 'policy'): void {
  if (options === undefined) return;
  if (!isRecord(options)) throw new TypeError(`${path} must be an object`);
  for (const key of Object.keys(options)) {
    if (!TOP_KEYS.has(key)) throw new TypeError(`${path}.${key} is not a policy option`);
  }
  const o = options as PolicyOptions;
  checkCount(`${path}.retries`, o.retries);
  for (const key of [
    'minDelayMs',
    'maxDelayMs',
    'maxRetryAfterMs',
    'pollIntervalMs',
    'pollMaxIntervalMs',
  ] as const) {
    checkMs(`${path}.${key}`, o[key]);
  }
  for (const key of ['deadlineMs', 'attemptTimeoutMs', 'pollDeadlineMs'] as const) {
    checkMs(`${path}.${key}`, o[key], 1);
  }
  if (o.customerMessages !== undefined) {
    if (!isRecord(o.customerMessages)) {
      throw new TypeError(`${path}.customerMessages must be an object of code → message`);
    }
    for (const [code, message] of Object.entries(o.customerMessages)) {
      if (!/^\d{4}$/.test(code) || typeof message !== 'string') {
        throw new TypeError(`${path}.customerMessages.${code} must map a 4-digit code to a string`);
      }
    }
  }
  validateDeclaredOperations(o.operations, `${path}.operations`);
  if (o.series !== undefined) {
    if (!isRecord(o.series)) throw new TypeError(`${path}.series must be an object`);
    for (const [series, rule] of Object.entries(o.series)) {
      if (!(ERROR_SERIES as readonly string[]).includes(series)) {
        throw new TypeError(
          `${path}.series.${series} is not a series (${ERROR_SERIES.join(', ')})`,
        );
      }
      checkRule(`${path}.series.${series}`, rule);
      if (series === 'card') checkNotDeclineRetry(`${path}.series.card`, rule);
    }
  }
  if (o.codes !== undefined) {
    if (!isRecord(o.codes)) throw new TypeError(`${path}.codes must be an object`);
    for (const [code, rule] of Object.entries(o.codes)) {
      if (!/^\d{4}$/.test(code)) {
        throw new TypeError(`${path}.codes.${code} is not a PortOne code (four digits)`);
      }
      checkRule(`${path}.codes.${code}`, rule);
      if (seriesOf(Number(code)) === 'card') checkNotDeclineRetry(`${path}.codes.${code}`, rule);
    }
  }
}

/** The settings that come in lower bound / upper bound pairs. */
type BoundKey = 'minDelayMs' | 'maxDelayMs' | 'pollIntervalMs' | 'pollMaxIntervalMs';

/** A number the policy will use, and where it came from, for the message. */
interface Setting {
  readonly value: number;
  /** `policy.series.psp.maxDelayMs`, or `the default maxDelayMs`. */
  readonly from: string;
}

function setting(
  scope: string,
  key: BoundKey,
  own: number | undefined,
  inherited: Setting,
): Setting {
  return own === undefined ? inherited : { value: own, from: `${scope}.${key}` };
}

function checkOrder(scope: string, low: Setting, high: Setting): void {
  if (low.value <= high.value) return;
  const inherits = [low, high].some((s) => !s.from.startsWith(`${scope}.`)) && scope !== 'policy';
  throw new TypeError(
    `${low.from} (${low.value}) must not exceed ${high.from} (${high.value})` +
      (inherits ? `, which ${scope} inherits` : ''),
  );
}

/**
 * Checks that each lower bound is at most its upper bound as the policy will use them, with
 * inherited values and defaults filled in: `minDelayMs: 10000` alone exceeds the default
 * `maxDelayMs` (8000), and a backoff whose base exceeds its cap would silently wait the cap.
 * Runs on the merged options (so `with()` overrides are checked against what they sit on).
 */
export function validatePolicyRanges(options: PolicyOptions, path = 'policy'): void {
  const top = (key: BoundKey): Setting =>
    setting(path, key, options[key], {
      value: POLICY_DEFAULTS[key],
      from: `the default ${key}`,
    });
  const minDelay = top('minDelayMs');
  const maxDelay = top('maxDelayMs');
  checkOrder(path, minDelay, maxDelay);
  checkOrder(path, top('pollIntervalMs'), top('pollMaxIntervalMs'));

  const inSeries = (series: string): [Setting, Setting] => {
    const rule = options.series?.[series as ErrorSeries];
    const scope = `${path}.series.${series}`;
    return [
      setting(scope, 'minDelayMs', rule?.minDelayMs, minDelay),
      setting(scope, 'maxDelayMs', rule?.maxDelayMs, maxDelay),
    ];
  };
  for (const series of Object.keys(options.series ?? {})) {
    checkOrder(`${path}.series.${series}`, ...inSeries(series));
  }
  for (const [code, rule] of Object.entries(options.codes ?? {})) {
    const scope = `${path}.codes.${code}`;
    const [min, max] = inSeries(seriesOf(code));
    checkOrder(
      scope,
      setting(scope, 'minDelayMs', rule.minDelayMs, min),
      setting(scope, 'maxDelayMs', rule.maxDelayMs, max),
    );
  }
}
