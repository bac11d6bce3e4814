import { Show, createEffect, createSignal } from 'solid-js';
import type { ProjectRow, ProjectWithPlan, TaskRow } from '../../../worker/api.ts';
import { blockedSentence } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { formatUsd } from '../../format/money.ts';
import { callEngine } from '../../worker-client.ts';
import { viewRunState } from './control-state.ts';
import { createCommand } from './create-command.ts';
import { UnlockKeys } from './unlock-keys.tsx';

/**
 * Why the run is paused; after a budget stop, a way to raise the budget before continuing.
 * One next step, matching the controls the paused state offers.
 */
export function PauseBanner(props: {
  project: ProjectWithPlan;
  tasks: readonly TaskRow[];
  canWrite: boolean;
  onChange: () => void;
}) {
  const state = () => viewRunState(props);
  const blocked = () => {
    const current = state();
    return current.phase === 'paused' ? current.blocked : [];
  };
  return (
    <Show when={props.project.runStatus === 'paused' && props.project.pauseReason}>
      <div
        class="banner pause-banner"
        role="status"
        data-testid="pause-banner"
        data-kind={props.project.pauseKind ?? ''}
      >
        <p>
          <strong>Paused.</strong> {props.project.pauseReason}
        </p>
        <Show when={props.project.pauseKind === 'budget'}>
          <RaiseBudget project={props.project} canWrite={props.canWrite} onChange={props.onChange} />
        </Show>
        <Show when={props.project.pauseKind === 'keys' && props.canWrite}>
          <UnlockToContinue
            projectId={props.project.id}
            paused={props.project.runStatus === 'paused'}
            onChange={props.onChange}
          />
        </Show>
        {/* A failure, a loop or a limit says its own way on; one next step per message. */}
        <Show when={props.project.pauseKind === 'user' || props.project.pauseKind === 'step'}>
          <p class="hint" data-testid="pause-next">
            {blocked().length > 0
              ? blockedSentence(blocked())
              : 'Press “Continue orchestra” to go on, or “Next agent” to run one task.'}
          </p>
        </Show>
      </div>
    </Show>
  );
}

function RaiseBudget(props: { project: ProjectRow; canWrite: boolean; onChange: () => void }) {
  const command = createCommand();
  const floor = () => props.project.spentUsd + props.project.reservedUsd;
  const [amount, setAmount] = createSignal('');
  const [done, setDone] = createSignal<string>();

  async function raise(event: SubmitEvent) {
    event.preventDefault();
    setDone(undefined);
    const value = Number(amount());
    if (!Number.isFinite(value) || value <= floor()) {
      command.setProblem(`The new budget must be more than the ${formatUsd(floor())} already spent or reserved.`);
      return;
    }
    const projectId = props.project.id;
    const result = await command.run(() => callEngine('setBudget', projectId, value));
    if (result.ok) {
      setDone(`The budget is now ${formatUsd(value)}. Press “Continue orchestra” to go on.`);
      setAmount('');
    }
    props.onChange();
  }

  return (
    <form class="raise-budget" onSubmit={(event) => void raise(event)}>
      <label>
        New budget (USD)
        <input
          type="number"
          step="any"
          inputMode="decimal"
          required
          value={amount()}
          disabled={!props.canWrite}
          onInput={(event) => setAmount(event.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" disabled={!props.canWrite || command.busy() || amount() === ''}>
        Raise budget
      </button>
      <Show when={done()}>
        <p class="hint">{done()}</p>
      </Show>
      <Problem message={command.problem()} />
    </form>
  );
}

/**
 * A run paused because the keys are locked: the passphrase is asked for right here, and
 * the run goes on once they open (the same command as "Continue orchestra"). "Not now"
 * puts the form away until the run pauses again.
 */
function UnlockToContinue(props: { projectId: string; paused: boolean; onChange: () => void }) {
  const command = createCommand();
  const [hidden, setHidden] = createSignal(false);
  // A new pause (the run went on, then stopped again for the keys) asks again.
  createEffect(() => {
    if (!props.paused) setHidden(false);
  });
  async function goOn() {
    setHidden(true);
    const projectId = props.projectId;
    await command.run(() => callEngine('resumeRun', projectId));
    props.onChange();
  }
  return (
    <>
      <Show when={!hidden()}>
        <UnlockKeys
          message="Enter your passphrase to unlock your model keys; the run goes on at once."
          action="Unlock and continue"
          onUnlocked={goOn}
          onCancel={() => setHidden(true)}
        />
      </Show>
      <Problem message={command.problem()} />
    </>
  );
}
