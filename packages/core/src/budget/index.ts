export { createRetryBudget, type RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
