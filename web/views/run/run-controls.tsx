import { Show } from 'solid-js';
import type { ProjectRow, ProjectWithPlan, Result } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';
import { controlState } from './control-state.ts';

type RunMethod = 'startRun' | 'pauseRun' | 'resumeRun' | 'stepRun' | 'executeAll' | 'emergencyStop';

const statusNames: Record<ProjectRow['runStatus'], string> = {
  idle: 'Not started',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
};

/** Start, pause, continue, step, run everything, and the emergency stop. */
export function RunControls(props: { project: ProjectWithPlan; canWrite: boolean; onChange: () => void }) {
  const command = createCommand();
  const state = () => controlState(props.project, props.canWrite);
  async function send(method: RunMethod) {
    const projectId = props.project.id;
    await command.run((): Promise<Result<unknown>> => callEngine(method, projectId));
    props.onChange();
  }

  return (
    <section class="run-controls" aria-label="Run controls">
      <p class="run-state" data-testid="run-status" data-status={props.project.runStatus}>
        <span class="status-dot" aria-hidden="true" />
        {statusNames[props.project.runStatus]}
        <Show when={props.project.pauseKind === 'step' && props.project.runStatus === 'paused'}> (step by step)</Show>
      </p>
      <div class="button-row">
        <button
          type="button"
          class="primary"
          disabled={!state().start || command.busy()}
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
      <Problem message={command.problem()} />
    </section>
  );
}
