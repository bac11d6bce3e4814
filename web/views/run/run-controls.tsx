import { For, Show } from 'solid-js';
import type { ProjectWithPlan, Result, TaskRow } from '../../../worker/api.ts';
import { type RunControls as Controls, runBadge, runControls } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { focusIfLost } from '../../lib/focus.ts';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';
import { viewRunState } from './control-state.ts';

type RunMethod = 'startRun' | 'pauseRun' | 'resumeRun' | 'stepRun' | 'executeAll' | 'stopRun' | 'emergencyStop';

/** The buttons, in order: the name each is known by, the command, and its control. */
const buttons: readonly { name: string; method: RunMethod; control: keyof Controls; tone?: string }[] = [
  { name: 'Start', method: 'startRun', control: 'start', tone: 'primary' },
  { name: 'Pause', method: 'pauseRun', control: 'pause' },
  { name: 'Continue orchestra', method: 'resumeRun', control: 'resume' },
  { name: 'Next agent', method: 'stepRun', control: 'step' },
  { name: 'Execute all', method: 'executeAll', control: 'executeAll' },
  { name: 'Stop run', method: 'stopRun', control: 'stop' },
  { name: 'Emergency stop', method: 'emergencyStop', control: 'emergencyStop', tone: 'danger' },
];

/**
 * Start, pause, continue, step, run everything, stop, and the emergency stop: each enabled
 * only when it does something, and saying what (its description, and the hint under the
 * buttons for Start, whose effect depends on how the last run ended).
 */
export function RunControls(props: {
  project: ProjectWithPlan;
  tasks: readonly TaskRow[];
  canWrite: boolean;
  onChange: () => void;
}) {
  const command = createCommand();
  const state = () => viewRunState(props);
  const controls = () => runControls(state(), props.canWrite);
  const badge = () => runBadge(state());
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
        data-phase={state().phase}
        data-tone={badge().tone}
        tabindex="-1"
        data-focus-fallback
        ref={status}
      >
        <span class="status-dot" aria-hidden="true" />
        {badge().label}
      </p>
      <div class="button-row">
        <For each={buttons}>
          {(button) => (
            <button
              type="button"
              class={button.tone}
              title={button.control === 'start' ? undefined : controls()[button.control].does}
              aria-describedby={button.control === 'start' && controls().start.enabled ? 'start-hint' : undefined}
              disabled={!controls()[button.control].enabled || (button.control !== 'emergencyStop' && command.busy())}
              onClick={() => void send(button.method)}
            >
              {button.name}
            </button>
          )}
        </For>
      </div>
      <Show when={controls().start.enabled}>
        <p class="hint" id="start-hint" data-testid="start-hint">
          {controls().start.does}
        </p>
      </Show>
      <Problem message={command.problem()} />
    </section>
  );
}
