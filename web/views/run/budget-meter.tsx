import { Show } from 'solid-js';
import type { ProjectRow, ProjectWithPlan, TaskRow } from '../../../worker/api.ts';
import { approvedProgress } from './approved-progress.ts';
import { formatUsd } from '../../format/money.ts';
import { EstimatedNote } from '../../components/estimated-note.tsx';

/** Money so far: spent plus reserved, of the budget (or with no limit). */
export function BudgetMeter(props: { project: ProjectRow }) {
  const used = () => props.project.spentUsd + props.project.reservedUsd;
  const share = () => {
    const budget = props.project.budgetUsd;
    return budget && budget > 0 ? Math.min(1, used() / budget) : 0;
  };
  return (
    <div class="meter-block" data-testid="budget-meter">
      <span class="meter-label" id="budget-label">
        Budget
      </span>
      <Show
        when={props.project.budgetUsd !== null}
        fallback={
          <span>
            {formatUsd(props.project.spentUsd)} spent
            <EstimatedNote estimatedUsd={props.project.estimatedUsd} /> + {formatUsd(props.project.reservedUsd)}{' '}
            reserved · no limit set
          </span>
        }
      >
        <meter aria-labelledby="budget-label" min={0} max={1} low={0.7} high={0.9} optimum={0} value={share()} />
        <span>
          {formatUsd(props.project.spentUsd)} spent
          <EstimatedNote estimatedUsd={props.project.estimatedUsd} /> + {formatUsd(props.project.reservedUsd)} reserved
          of {formatUsd(props.project.budgetUsd ?? 0)} ({Math.round(share() * 100)}%)
        </span>
      </Show>
    </div>
  );
}

/**
 * Approved work done: the tasks of the approved plan (and the fixes and reviews added
 * since), not the planning itself. While a plan waits for approval nothing is approved,
 * so the bar stays empty and says why.
 */
export function Progress(props: { tasks: TaskRow[]; project: ProjectWithPlan }) {
  const progress = () => approvedProgress(props.tasks, props.project.plan?.status ?? null);
  return (
    <div class="meter-block" data-testid="progress">
      <span class="meter-label" id="progress-label">
        Progress
      </span>
      <progress aria-labelledby="progress-label" max={Math.max(1, progress().total)} value={progress().done} />
      <span>{progress().sentence}</span>
    </div>
  );
}
