import { REFINEMENTS } from '../catalogue/refinements.js';
import { SERIES_DEFAULTS } from '../catalogue/series.js';
import type { Classification, Outcome } from '../types.js';
import { POLICY_DEFAULTS, type PolicyOptions, type PolicySettings, type Rule } from './options.js';
import { validatePolicyOptions, validatePolicyRanges } from './validate.js';

const POLICY_BRAND = Symbol.for('portone-retry.policy');

/** The rule that applies to one answer, fully resolved. */
export interface ResolvedRule {
  readonly outcome: Outcome;
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Where the outcome came from, for logs and docs. */
  readonly source: 'code' | 'refinement' | 'series' | 'default';
}

/** A validated, immutable policy. Make one with `createPolicy`. */
export interface Policy {
  /** The resolved numeric settings. */
  readonly settings: Readonly<PolicySettings>;
  /** The overrides this policy was made from. */
  readonly options: Readonly<PolicyOptions>;
  /** The rule for one classified answer. */
  ruleFor(classification: Classification): ResolvedRule;
  /** A new policy with more overrides on top of this one (per-call overrides). */
  with(overrides?: PolicyOptions): Policy;
}

/** Codes PortOne itself forbids retrying: no override can make them retried. */
const NEVER_RETRIED = new Set([4088]);

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function merge(base: PolicyOptions, next: PolicyOptions): PolicyOptions {
  const series = { ...base.series };
  for (const [name, rule] of Object.entries(next.series ?? {})) {
    const key = name as keyof typeof series;
    series[key] = { ...series[key], ...dropUndefined(rule as Rule) };
  }
  const codes: Record<number, Rule> = { ...base.codes };
  for (const [code, rule] of Object.entries(next.codes ?? {})) {
    codes[Number(code)] = { ...codes[Number(code)], ...dropUndefined(rule) };
  }
  // Declared endpoints add up, key by key, like the rules.
  const operations = { ...base.operations, ...next.operations };
  return { ...base, ...dropUndefined(next), series, codes, operations };
}

/** True for a value made by `createPolicy`. */
export function isPolicy(value: unknown): value is Policy {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[POLICY_BRAND] === true
  );
}

/**
 * A policy: series defaults (pending → poll, validation → fail, system/psp → retry, card →
 * surface, unknown → fail), refined per code by the catalogue's reviewed table, then by the
 * user's overrides per series and per code. Throws a TypeError naming a bad option.
 *
 * Precedence for an answer's outcome: the user's rule for its code, then the catalogue's
 * refinement of that code, then the user's rule for its series, then the series default.
 */
export function createPolicy(overrides?: PolicyOptions): Policy {
  validatePolicyOptions(overrides);
  return build(merge({}, overrides ?? {}));
}

function build(options: PolicyOptions): Policy {
  validatePolicyRanges(options);
  // The rules per series and per code are left out by a rest, not deleted: a `delete` would turn
  // the settings into a dictionary, and every call reads them.
  const {
    series: _series,
    codes: _codes,
    ...merged
  } = { ...POLICY_DEFAULTS, ...dropUndefined(options) } as PolicySettings & PolicyOptions;
  const settings: PolicySettings = Object.freeze(merged);

  const ruleFor = (c: Classification): ResolvedRule => {
    const codeRule = c.code === undefined ? undefined : options.codes?.[c.code];
    const seriesRule = options.series?.[c.series];
    const refinement = c.code === undefined ? undefined : REFINEMENTS[c.code];
    const fallback: Outcome = c.series === 'transport' ? 'retry' : SERIES_DEFAULTS[c.series];
    let outcome: Outcome;
    let source: ResolvedRule['source'];
    if (codeRule?.outcome !== undefined) [outcome, source] = [codeRule.outcome, 'code'];
    else if (refinement !== undefined) [outcome, source] = [refinement.outcome, 'refinement'];
    else if (seriesRule?.outcome !== undefined) [outcome, source] = [seriesRule.outcome, 'series'];
    else [outcome, source] = [fallback, 'default'];
    if (outcome === 'retry' && c.code !== undefined && NEVER_RETRIED.has(c.code)) outcome = 'fail';
    return {
      outcome,
      source,
      retries: codeRule?.retries ?? seriesRule?.retries ?? settings.retries,
      minDelayMs: codeRule?.minDelayMs ?? seriesRule?.minDelayMs ?? settings.minDelayMs,
      maxDelayMs: codeRule?.maxDelayMs ?? seriesRule?.maxDelayMs ?? settings.maxDelayMs,
    };
  };

  const policy: Policy = {
    settings,
    options: Object.freeze(options),
    ruleFor,
    with(next?: PolicyOptions): Policy {
      if (next === undefined) return policy;
      validatePolicyOptions(next);
      return build(merge(options, next));
    },
  };
  Object.defineProperty(policy, POLICY_BRAND, { value: true });
  return Object.freeze(policy);
}
