import { createPolicy, type Policy, type PolicyOptions } from '@portone-retry/core';

/**
 * The default policy with millisecond waits, for tests: the same decisions (what is retried,
 * polled, surfaced), but backoff of 1–10 ms, polls every 1–10 ms for at most 2 s, and a 5 s
 * deadline, so a test of retries or a pending payment runs in milliseconds instead of seconds.
 * `Retry-After` hints are still honoured as sent (up to the default 30 s): script small ones.
 */
export function testPolicy(overrides?: PolicyOptions): Policy {
  return createPolicy({
    minDelayMs: 1,
    maxDelayMs: 10,
    pollIntervalMs: 1,
    pollMaxIntervalMs: 10,
    pollDeadlineMs: 2000,
    attemptTimeoutMs: 2000,
    deadlineMs: 5000,
  }).with(overrides);
}
