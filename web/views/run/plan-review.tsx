import { Index, Show, createEffect, createMemo, createResource, createSignal, on, onMount, untrack } from 'solid-js';
import { focusIfLost } from '../../lib/focus.ts';
import type { PlanView } from '../../../worker/api.ts';
import { planLimitProblem } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { formatTokens, formatUsd } from '../../format/money.ts';
import { roleName } from '../../format/roles.ts';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';
import { TaskGraph } from './task-graph.tsx';
import {
  type DraftTask,
  makeDraft,
  missingDependencies,
  keptDependencies,
  moveTask,
  removeTask,
  setInstructions,
  toPlanEdit,
} from './plan-edit.ts';

/** What a change plan's task touches, as a line: "Modifies a.js, b.js · Adds c.js · Deletes d.js"; null for a plan that names none. */
function filesOf(plan: PlanView, id: string): string | null {
  const task = plan.tasks.find((entry) => entry.id === id);
  const parts = [
    task?.modifies && task.modifies.length > 0 ? `Modifies ${task.modifies.join(', ')}` : '',
    task?.adds && task.adds.length > 0 ? `Adds ${task.adds.join(', ')}` : '',
    task?.deletes && task.deletes.length > 0 ? `Deletes ${task.deletes.join(', ')}` : '',
  ].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(' · ') : null;
}

/**
 * The proposed plan, for the person to read, edit (instructions, order, removals) and
 * approve or reject before anything is built.
 */
export function PlanReview(props: { projectId: string; plan: PlanView; canWrite: boolean; onChange: () => void }) {
  const command = createCommand();
  // The first draft is the plan as proposed; a new revision replaces it below.
  const [draft, setDraft] = createSignal<DraftTask[]>(makeDraft(untrack(() => props.plan.tasks)));
  const [reason, setReason] = createSignal('');
  // A new proposal (a revision) starts a fresh draft. The key is a memo: `on` alone runs
  // on every new view of the same plan (four a second while events arrive), which threw
  // away the person's edits.
  const proposal = createMemo(() => `${props.plan.planId}:${props.plan.revision}`);
  createEffect(on(proposal, () => setDraft(makeDraft(untrack(() => props.plan.tasks))), { defer: true }));
  const edit = () => toPlanEdit(props.plan.tasks, draft());
  // The engine's plan limit, the one its planner and approval hold a plan to.
  const [limits] = createResource(() => callEngine('getRunLimits'));
  const maxTasks = () => {
    const current = limits.state === 'ready' ? limits() : undefined;
    return current?.ok ? current.value.maxPlanTasks : null;
  };
  const overLimit = () => {
    const max = maxTasks();
    return max === null ? null : planLimitProblem(draft().length, max);
  };
  const missing = () => missingDependencies(draft());
  const titleOf = (id: string) => props.plan.tasks.find((task) => task.id === id)?.title ?? id;
  // The graph of the plan as edited: removed tasks and their links are gone.
  const graph = () =>
    draft().map((task) => ({
      taskId: task.id,
      title: task.title,
      role: task.role,
      status: 'pending' as const,
      dependsOn: keptDependencies(draft(), task),
      attempt: 0,
    }));

  let heading: HTMLHeadingElement | undefined;
  // "Start" produced this plan: focus comes here rather than falling to the page.
  onMount(() => focusIfLost(heading));
  async function approve() {
    const change = edit();
    const projectId = props.projectId;
    const result = await command.run(() =>
      change ? callEngine('approvePlan', projectId, change) : callEngine('approvePlan', projectId),
    );
    props.onChange();
    // The plan's tasks are what approving produced.
    if (result.ok) focusIfLost(() => document.getElementById('tasks-title'));
  }
  async function reject() {
    const projectId = props.projectId;
    const why = reason().trim();
    await command.run(() => callEngine('rejectPlan', projectId, why));
    props.onChange();
  }

  return (
    <section class="plan-review panel" data-testid="plan-review" aria-labelledby="plan-review-title">
      <h3 id="plan-review-title" tabindex="-1" ref={heading}>
        {props.plan.change ? 'Change plan to approve' : 'Plan to approve'}
        <Show when={props.plan.revision > 1 && !props.plan.change}> (revision {props.plan.revision})</Show>
      </h3>
      <Show when={props.plan.source === 'template'}>
        <p>
          <span class="badge template-badge">Template (no AI)</span> Made by Orchestra from a template, not by a model.
        </p>
      </Show>
      <Show when={props.plan.change}>
        {(change) => (
          <p class="change-request" data-testid="change-request">
            You asked: “{change().request}”
          </p>
        )}
      </Show>
      <p class="plan-summary">{props.plan.summary}</p>
      <dl class="facts">
        <dt>Complexity</dt>
        <dd>{props.plan.complexity}</dd>
        <dt>Estimate</dt>
        <dd>
          <Show when={props.plan.estimate} fallback="none given">
            {(estimate) => (
              <>
                {formatTokens(estimate().tokens)}, about {formatUsd(estimate().costUsd)}
              </>
            )}
          </Show>
        </dd>
        <dt>Stack</dt>
        <dd>{props.plan.stack.join(', ') || '—'}</dd>
        <dt>Languages</dt>
        <dd>{props.plan.languages.join(', ') || '—'}</dd>
        <dt>Tasks</dt>
        <dd data-testid="plan-task-count">
          {draft().length}
          <Show when={maxTasks()}>{(max) => <> of at most {max()}</>}</Show>
        </dd>
      </dl>
      <TaskGraph
        tasks={graph()}
        label={`The plan as a graph: ${draft().length} ${draft().length === 1 ? 'task' : 'tasks'}, each after the tasks it needs. The list below has the same tasks as text.`}
      />
      <ol class="plan-tasks">
        <Index each={draft()}>
          {(task, index) => (
            <li class="plan-task" data-task-id={task().id}>
              <p class="plan-task-head">
                <span class="badge">{roleName(task().role)}</span> <strong>{task().title}</strong>
              </p>
              <Show when={filesOf(props.plan, task().id)}>
                {(files) => (
                  <p class="hint plan-task-files" data-testid="plan-task-files">
                    {files()}
                  </p>
                )}
              </Show>
              <Show when={keptDependencies(draft(), task()).length > 0}>
                <p class="hint">After: {keptDependencies(draft(), task()).map(titleOf).join(', ')}</p>
              </Show>
              <label>
                Instructions for “{task().title}”
                <textarea
                  rows={3}
                  value={task().instructions}
                  disabled={!props.canWrite}
                  onInput={(event) => setDraft((list) => setInstructions(list, task().id, event.currentTarget.value))}
                />
              </label>
              <div class="button-row">
                <button
                  type="button"
                  aria-label={`Move up: ${task().title}`}
                  data-task-id={task().id}
                  disabled={!props.canWrite || index === 0}
                  onClick={() => setDraft((list) => moveTask(list, index, -1))}
                >
                  Move up
                </button>
                <button
                  type="button"
                  aria-label={`Move down: ${task().title}`}
                  data-task-id={task().id}
                  disabled={!props.canWrite || index === draft().length - 1}
                  onClick={() => setDraft((list) => moveTask(list, index, 1))}
                >
                  Move down
                </button>
                <button
                  type="button"
                  aria-label={`Remove: ${task().title}`}
                  data-task-id={task().id}
                  disabled={!props.canWrite}
                  onClick={() => setDraft((list) => removeTask(list, task().id))}
                >
                  Remove
                </button>
              </div>
            </li>
          )}
        </Index>
      </ol>
      <Show when={missing().length > 0}>
        <p class="hint warning">
          Some remaining tasks depend on removed ones ({missing().map(titleOf).join(', ')}); they will run without that
          work.
        </p>
      </Show>
      <Show when={edit()}>
        <p class="hint">You changed the plan: it will be approved as edited.</p>
      </Show>
      <Show when={overLimit()}>
        {(problem) => (
          <p class="hint warning" data-testid="plan-over-limit">
            {problem()}
          </p>
        )}
      </Show>
      <label class="reject-reason">
        Reason, if you reject it (optional)
        <input value={reason()} disabled={!props.canWrite} onInput={(event) => setReason(event.currentTarget.value)} />
      </label>
      <div class="button-row">
        <button
          type="button"
          class="primary"
          disabled={!props.canWrite || command.busy() || draft().length === 0 || overLimit() !== null}
          onClick={() => void approve()}
        >
          Approve plan
        </button>
        <button type="button" disabled={!props.canWrite || command.busy()} onClick={() => void reject()}>
          Reject plan
        </button>
      </div>
      <Problem message={command.problem()} />
    </section>
  );
}
