/**
 * The one sentence for a plan over the run's plan limit (`RunLimits.maxPlanTasks`), as the
 * person reads it: the engine refuses to approve such a plan with it, and the plan review
 * says it before Approve is pressed. The limit itself is the engine's (`getRunLimits`).
 */

/**
 * Why a plan of `count` tasks cannot be approved, or null when it fits.
 *
 * @example planLimitProblem(5, 4) // 'This plan has 5 tasks; a plan may have at most 4. Remove 1 to approve it.'
 */
export function planLimitProblem(count: number, maxTasks: number): string | null {
  if (count <= maxTasks) return null;
  const over = count - maxTasks;
  return `This plan has ${count} tasks; a plan may have at most ${maxTasks}. Remove ${over} to approve it.`;
}
