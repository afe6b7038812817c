export { type AttemptState, backoffDelay, type Decision, decide } from './decide.js';
export { POLICY_DEFAULTS, type PolicyOptions, type PolicySettings, type Rule } from './options.js';
export { createPolicy, isPolicy, type Policy, type ResolvedRule } from './policy.js';
export { validatePolicyOptions } from './validate.js';
