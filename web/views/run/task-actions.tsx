import { Show, createSignal } from 'solid-js';
import type { TaskRow } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';
import { taskControls } from '../../../worker/query/index.ts';

/** The id of a task's title in the task list, so its buttons say which task they act on. */
export const taskTitleId = (taskId: string) => `task-title-${taskId.replace(/[^\w-]/g, '_')}`;

/**
 * "Cancel task" and "Retry task" for one task, enabled when they apply to its status; a
 * task the models declined can also be retried with edited instructions.
 */
export function TaskActions(props: { projectId: string; task: TaskRow; canWrite: boolean; onChange: () => void }) {
  const command = createCommand();
  const controls = () => taskControls(props.task, props.canWrite);
  async function act(method: 'cancelTask' | 'retryTask') {
    const projectId = props.projectId;
    const taskId = props.task.taskId;
    await command.run(() => callEngine(method, projectId, taskId));
    props.onChange();
  }
  const [instructions, setInstructions] = createSignal<string | null>(null);
  async function retryEdited() {
    const projectId = props.projectId;
    const taskId = props.task.taskId;
    const edited = instructions() ?? props.task.instructions;
    await command.run(() => callEngine('retryTask', projectId, taskId, edited));
    setInstructions(null);
    props.onChange();
  }
  return (
    <span class="task-actions">
      <button
        type="button"
        data-task-id={props.task.taskId}
        data-action="cancel"
        aria-describedby={taskTitleId(props.task.taskId)}
        title={controls().cancel.does}
        disabled={!controls().cancel.enabled || command.busy()}
        onClick={() => void act('cancelTask')}
      >
        Cancel task
      </button>
      <button
        type="button"
        data-task-id={props.task.taskId}
        data-action="retry"
        aria-describedby={taskTitleId(props.task.taskId)}
        title={controls().retry.does}
        disabled={!controls().retry.enabled || command.busy()}
        onClick={() => void act('retryTask')}
      >
        Retry task
      </button>
      <Show when={props.task.status === 'failed' && props.task.lastError?.kind === 'refused' && props.canWrite}>
        <details class="edit-instructions" data-testid="edit-instructions">
          <summary>Edit instructions and retry</summary>
          <label>
            Instructions for “{props.task.title}”
            <textarea
              rows={6}
              value={instructions() ?? props.task.instructions}
              onInput={(event) => setInstructions(event.currentTarget.value)}
            />
          </label>
          <button type="button" disabled={command.busy()} onClick={() => void retryEdited()}>
            Retry with these instructions
          </button>
        </details>
      </Show>
      <Problem message={command.problem()} />
    </span>
  );
}
