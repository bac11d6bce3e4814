import { modelName } from '../../../worker/query/index.ts';
import { For, Show, createMemo } from 'solid-js';
import type { TaskRow } from '../../../worker/api.ts';
import { formatUsd } from '../../format/money.ts';
import { roleName } from '../../format/roles.ts';
import { TaskActions, taskTitleId } from './task-actions.tsx';
import { statusNames } from './task-order.ts';

/** Every task as text: role, title, status, model, attempt, cost, error, quality, and its controls. */
export function TaskList(props: { projectId: string; tasks: TaskRow[]; canWrite: boolean; onChange: () => void }) {
  // Rows are keyed by task id: a refreshed view brings new objects, not new rows (focus stays put).
  const ids = createMemo(() => props.tasks.map((task) => task.taskId), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, index) => id === b[index]),
  });
  const byId = createMemo(() => new Map(props.tasks.map((task) => [task.taskId, task])));
  return (
    <ol class="task-list" data-testid="task-list">
      <For each={ids()}>
        {(id) => (
          <Show when={byId().get(id)}>
            {(row) => (
              <TaskItem projectId={props.projectId} task={row()} canWrite={props.canWrite} onChange={props.onChange} />
            )}
          </Show>
        )}
      </For>
    </ol>
  );
}

function TaskItem(props: { projectId: string; task: TaskRow; canWrite: boolean; onChange: () => void }) {
  const task = () => props.task;
  return (
    <li data-task-id={task().taskId} data-status={task().status} class="task-row">
      <div class="task-main">
        <span class="status-pill" data-status={task().status}>
          {statusNames[task().status]}
        </span>{' '}
        <strong id={taskTitleId(task().taskId)}>{task().title}</strong>
        <span class="hint">
          {' '}
          · {roleName(task().role)}
          <Show when={task().kind !== 'build'}> · {task().kind}</Show>
          <Show when={task().round > 1}> · round {task().round}</Show>
        </span>
      </div>
      <div class="task-facts hint">
        <Show when={task().model}>
          <span>{modelName(task().provider, task().model)}</span>
        </Show>
        <Show when={task().attempt > 0}>
          <span>attempt {task().attempt}</span>
        </Show>
        <Show when={task().costUsd > 0 || task().status === 'done'}>
          <span>{formatUsd(task().costUsd)}</span>
        </Show>
        <Show when={task().quality !== null}>
          <span>quality {Math.round((task().quality ?? 0) * 100)}%</span>
        </Show>
      </div>
      <Show when={task().lastError}>
        {(error) => (
          <p class="task-error">
            <Show when={task().model && task().provider !== 'template'}>
              On {modelName(task().provider, task().model)}:{' '}
            </Show>
            {error().message}
          </p>
        )}
      </Show>
      <TaskActions projectId={props.projectId} task={task()} canWrite={props.canWrite} onChange={props.onChange} />
    </li>
  );
}
