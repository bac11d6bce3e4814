import { For, Show, createSignal } from 'solid-js';
import type { ProjectWithPlan, Result, TaskRow } from '../../../worker/api.ts';
import { type RunControls as Controls, runBadge, runControls } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { focusIfLost } from '../../lib/focus.ts';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';
import { viewRunState } from './control-state.ts';
import { createStartSource } from './create-start-source.ts';
import { UnlockKeys } from './unlock-keys.tsx';

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

/** The unlock form's button, by the command it goes on with (only these need a model). */
const unlockActions: Partial<Readonly<Record<RunMethod, string>>> = {
  startRun: 'Unlock and start',
  resumeRun: 'Unlock and continue',
  stepRun: 'Unlock and run the next task',
  executeAll: 'Unlock and execute all',
};

/**
 * Start, pause, continue, step, run everything, stop, and the emergency stop: each enabled
 * only when it does something, and saying what (its description, and the hint under the
 * buttons for Start, whose effect depends on how the last run ended and on the keys).
 * When the engine refuses a command because the keys are locked, the passphrase is asked
 * for right here, and the command goes on once they open.
 */
export function RunControls(props: {
  project: ProjectWithPlan;
  tasks: readonly TaskRow[];
  canWrite: boolean;
  onChange: () => void;
}) {
  const command = createCommand();
  const keys = createStartSource();
  const state = () => viewRunState(props);
  // An approved Template plan calls no model: the keys do not change what Start does.
  const source = () => {
    const plan = props.project.plan;
    return plan?.status === 'approved' && plan.source === 'template' ? 'template' : keys.source();
  };
  const controls = () => runControls(state(), props.canWrite, source());
  const badge = () => runBadge(state());
  /** Start is off because no provider set up can take calls yet: its hint says why. */
  const startWaits = () =>
    !controls().start.enabled && source() === 'waiting' && ['idle', 'ended'].includes(state().phase);
  /** A command the engine refused because the keys are locked: the passphrase is asked for, then it is sent again. */
  const [locked, setLocked] = createSignal<{ method: RunMethod; message: string }>();
  let status: HTMLParagraphElement | undefined;
  /** The keys opened: the refused command is sent again. */
  async function goOn() {
    const asked = locked();
    keys.refresh();
    if (asked) await send(asked.method);
  }
  async function send(method: RunMethod) {
    const projectId = props.project.id;
    setLocked(undefined);
    const result = await command.run((): Promise<Result<unknown>> => callEngine(method, projectId));
    if (!result.ok && result.kind === 'locked') {
      // The form says it, with the field to answer it: not twice.
      command.setProblem(undefined);
      setLocked({ method, message: result.message });
      keys.refresh();
      return;
    }
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
              aria-describedby={
                button.control === 'start' && (controls().start.enabled || startWaits()) ? 'start-hint' : undefined
              }
              disabled={!controls()[button.control].enabled || (button.control !== 'emergencyStop' && command.busy())}
              onClick={() => void send(button.method)}
            >
              {button.name}
            </button>
          )}
        </For>
      </div>
      <Show when={controls().start.enabled || startWaits()}>
        <p class="hint" id="start-hint" data-testid="start-hint">
          {controls().start.does}
        </p>
      </Show>
      <Show when={locked()}>
        {(asked) => (
          <UnlockKeys
            message={asked().message}
            action={unlockActions[asked().method] ?? 'Unlock and go on'}
            onUnlocked={goOn}
            onCancel={() => {
              setLocked(undefined);
              status?.focus();
            }}
          />
        )}
      </Show>
      <Problem message={command.problem()} />
    </section>
  );
}
