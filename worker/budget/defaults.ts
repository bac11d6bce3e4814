/** How big a plan is, as the Project Manager's plan reports it. */
export type PlanComplexity = 'small' | 'medium' | 'large';

/**
 * Default project budgets in USD by plan complexity: enough for a small plan on mid-tier
 * models with retries, and a ceiling a person notices before it hurts. Adjustable per
 * project (`governor.setBudget`).
 */
export const defaultBudgetsUsd: Readonly<Record<PlanComplexity, number>> = { small: 2, medium: 10, large: 40 };

/**
 * Tokens a request can add beyond the bytes of its text (role markers, message framing,
 * tool preambles). Generous on purpose: the worst case must really be the worst.
 */
export const framingTokens = 256;
