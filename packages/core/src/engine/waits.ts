import type { Policy } from '../policy/index.js';
import type { Call } from './call.js';

/** Wait before the next status check: growing from pollIntervalMs to pollMaxIntervalMs, ±20 % jitter. */
export function pollDelay<R>(call: Call<R>): number {
  const { pollIntervalMs, pollMaxIntervalMs } = call.policy.settings;
  // At least 1 ms: a zero wait would never yield to the timer that ends polling.
  const base = Math.max(
    1,
    Math.min(pollMaxIntervalMs, Math.max(1, pollIntervalMs) * 1.5 ** call.polls),
  );
  return Math.round(base * (0.8 + 0.4 * call.scope.random()));
}

/** The most re-sends any rule of the policy allows; each answer's own rule is applied by `decide`. */
export function retryCeiling(policy: Policy): number {
  const rules = [
    ...Object.values(policy.options.series ?? {}),
    ...Object.values(policy.options.codes ?? {}),
  ];
  return Math.max(policy.settings.retries, ...rules.map((rule) => rule?.retries ?? 0));
}
