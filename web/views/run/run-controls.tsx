import { Show } from 'solid-js';
import type { ProjectRow, ProjectWithPlan, Result, TaskRow } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { focusIfLost } from '../../lib/focus.ts';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';
import { controlState, startHintFor } from './control-state.ts';

type RunMethod = 'startRun' | 'pauseRun' | 'resumeRun' | 'stepRun' | 'executeAll' | 'emergencyStop';

const statusNames: Record<ProjectRow['runStatus'], string> = {
  idle: 'Not started',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
};

/** Start, pause, continue, step, run everything, and the emergency stop. */
export function RunControls(props: {
  project: ProjectWithPlan;
  tasks: TaskRow[];
  canWrite: boolean;
  onChange: () => void;
}) {
  const command = createCommand();
  const state = () => controlState(props.project, props.canWrite);
  const startHint = () => startHintFor(props.project, props.tasks);
  let status: HTMLParagraphElement | undefined;
  async function send(method: RunMethod) {
    const projectId = props.project.id;
    await command.run((): Promise<Result<unknown>> => callEngine(method, projectId));
    props.onChange();
    // The pressed button is now disabled and focus fell to the page: take it to the new state
    // (unless what the action produced, such as the plan to approve, took it first).
    focusIfLost(() => status);
  }

  return (
    <section class="run-controls" aria-label="Run controls">
      <p
        class="run-state"
        data-testid="run-status"
        data-status={props.project.runStatus}
        tabindex="-1"
        data-focus-fallback
        ref={status}
      >
        <span class="status-dot" aria-hidden="true" />
        {statusNames[props.project.runStatus]}
        <Show when={props.project.pauseKind === 'step' && props.project.runStatus === 'paused'}> (step by step)</Show>
      </p>
      <div class="button-row">
        <button
          type="button"
          class="primary"
          disabled={!state().start || command.busy()}
          aria-describedby={startHint() ? 'start-hint' : undefined}
          onClick={() => void send('startRun')}
        >
          Start
        </button>
        <button type="button" disabled={!state().pause || command.busy()} onClick={() => void send('pauseRun')}>
          Pause
        </button>
        <button type="button" disabled={!state().resume || command.busy()} onClick={() => void send('resumeRun')}>
          Continue orchestra
        </button>
        <button type="button" disabled={!state().step || command.busy()} onClick={() => void send('stepRun')}>
          Next agent
        </button>
        <button type="button" disabled={!state().executeAll || command.busy()} onClick={() => void send('executeAll')}>
          Execute all
        </button>
        <button
          type="button"
          class="danger"
          disabled={!state().emergencyStop}
          onClick={() => void send('emergencyStop')}
        >
          Emergency stop
        </button>
      </div>
      <Show when={state().start && startHint()}>
        <p class="hint" id="start-hint" data-testid="start-hint">
          {startHint()}
        </p>
      </Show>
      <Problem message={command.problem()} />
    </section>
  );
}
