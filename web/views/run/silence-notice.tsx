import { modelName } from '../../../worker/query/index.ts';
import type { TaskRow } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';

/**
 * "No answer from <model> for 40 s", with the two ways on: wait longer, or stop this call
 * and let the router give the task to another model (the silent one left out).
 */
export function SilenceNotice(props: {
  projectId: string;
  task: TaskRow;
  thresholdMs: number;
  onKeepWaiting: () => void;
}) {
  const command = createCommand();
  const seconds = () => Math.round(props.thresholdMs / 1000);
  async function switchModel() {
    const projectId = props.projectId;
    const taskId = props.task.taskId;
    await command.run(() => callEngine('switchModel', projectId, taskId));
  }
  return (
    <div class="silence-notice" role="status" data-testid="silence-notice" data-task-id={props.task.taskId}>
      <p>
        No answer from {modelName(props.task.provider, props.task.model)} for {seconds()} s.
      </p>
      <p class="silence-actions">
        <button type="button" class="small" disabled={command.busy()} onClick={() => props.onKeepWaiting()}>
          Keep waiting
        </button>{' '}
        <button type="button" class="small" disabled={command.busy()} onClick={() => void switchModel()}>
          Switch model
        </button>
      </p>
      <Problem message={command.problem()} />
    </div>
  );
}
