/**
 * A project's cost governor in the runner's tab (`budget/`), kept in step with the
 * project's row, and what every model call of the project is handed (`callDepsOf`): the
 * governor with the store, the router, the providers and the limits. The runner
 * (`runner.ts`) asks for it before each attempt and each chat answer.
 */
import { type CostGovernor, createCostGovernor, defaultBudgetsUsd } from '../budget/index.ts';
import { pooledUlid } from '../events/ids.ts';
import { type RunContext, type RunnerDeps, system } from './run-context.ts';
import type { TaskRunnerDeps } from './task-runner.ts';

export class RunBudget {
  private governor: CostGovernor | undefined;
  /** A budget the governor could not take yet (see `current`), said once in the log. */
  private heldBudget: number | undefined;

  constructor(private readonly ctx: RunContext) {}

  /**
   * The cost governor of this project, rebuilt from its row: what is spent and the budget.
   * A budget below what the governor has committed (calls in flight whose reservations are
   * not in the row yet) cannot be taken now: the governor holds at what is committed, so
   * no new call is made, the log says why once, and the change is taken when the calls end.
   */
  async current(): Promise<CostGovernor> {
    const state = await this.ctx.state();
    const project = state.project;
    const budgetUsd = project?.budgetUsd ?? defaultBudgetsUsd[state.plan?.complexity ?? 'medium'];
    if (!this.governor) {
      this.governor = createCostGovernor({
        budgetUsd: Math.max(budgetUsd, project?.spentUsd ?? 0),
        spentUsd: project?.spentUsd ?? 0,
      });
    } else if (this.governor.status().budgetUsd !== budgetUsd) {
      const changed = this.governor.setBudget(budgetUsd);
      if (!changed.ok) {
        this.governor.setBudget(changed.committedUsd);
        if (this.heldBudget !== budgetUsd) {
          this.heldBudget = budgetUsd;
          await this.ctx.append([
            {
              type: 'error-report',
              actor: system,
              payload: {
                kind: 'budget',
                message: `The budget of $${budgetUsd.toFixed(2)} is below the $${changed.committedUsd.toFixed(2)} already spent or set aside for calls in flight: no new call starts until they end, then the new budget holds.`,
              },
            },
          ]);
        }
      } else this.heldBudget = undefined;
    }
    return this.governor;
  }

  /** The row changed under the governor (a charge on recovery): the next `current` makes it again. */
  forget(): void {
    this.governor = undefined;
  }
}

/** What a model call of a project needs: for tasks, and for the Project Manager's chat. */
export function callDepsOf(deps: RunnerDeps, projectId: string, governor: CostGovernor): TaskRunnerDeps {
  return {
    store: deps.store,
    projectId,
    bus: deps.bus,
    chooser: deps.chooser,
    governor,
    limits: deps.limits,
    readiness: () => deps.readiness(),
    adapter: (provider, observer) => deps.adapter(provider, observer),
    template: () => deps.template(),
    newId: () => `cost-${pooledUlid()}`,
  };
}
