/**
 * The cost governor: budgets per project, worst-case reservations before every model
 * call, settlement after, pacing, and "budget reached — raise it or stop" as a result.
 */
export { createCostGovernor, worstCaseInputTokens } from './governor.ts';
export type {
  BudgetReached,
  BudgetStatus,
  CostGovernor,
  GovernorOptions,
  ReserveInput,
  ReserveRequest,
  ReserveResult,
  SetBudgetResult,
  SettleResult,
  Usage,
} from './governor.ts';
export { emptyMeasured, joinMeasured, measure, trimEndMeasured, utf8Length, utf8LengthOfParts } from './utf8-length.ts';
export type { MeasuredText } from './utf8-length.ts';
export { defaultBudgetsUsd, framingTokens } from './defaults.ts';
export type { PlanComplexity } from './defaults.ts';
export * from './records.ts';
