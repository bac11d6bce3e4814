import { Show, createSignal } from 'solid-js';
import type { ProjectView } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { focusIfLost } from '../../lib/focus.ts';
import { callEngine } from '../../worker-client.ts';
import { viewRunState } from './control-state.ts';
import { createCommand } from './create-command.ts';

/** Phases in which a change can be asked for: nothing runs and no plan waits. */
const askable = new Set(['idle', 'paused', 'ended']);

/**
 * "Ask for a change": on a project that has files and is not running, the person says what
 * to change and a new run on top of the last begins — the Project Manager plans the change
 * on the project as it stands, and the plan comes back for approval like a first plan.
 */
export function AskForChange(props: { view: ProjectView; canWrite: boolean; onChange: () => void }) {
  const command = createCommand();
  const [request, setRequest] = createSignal('');
  const shown = () =>
    props.view.artifacts.some((artifact) => artifact.kind === 'source') &&
    askable.has(viewRunState(props.view).phase) &&
    props.view.project.plan?.status !== 'proposed';
  const paused = () => viewRunState(props.view).phase === 'paused';

  async function ask(event: SubmitEvent) {
    event.preventDefault();
    const projectId = props.view.project.id;
    const text = request().trim();
    const result = await command.run(() => callEngine('askForChange', projectId, text));
    props.onChange();
    if (result.ok) {
      setRequest('');
      // The plan for the change is what comes next.
      focusIfLost(() => document.getElementById('plan-review-title') ?? document.getElementById('tasks-title'));
    }
  }

  return (
    <Show when={shown()}>
      <section class="ask-change panel" data-testid="ask-for-change" aria-labelledby="ask-change-title">
        <h3 id="ask-change-title">Ask for a change</h3>
        <form onSubmit={(event) => void ask(event)}>
          <label for="change-request">What should change?</label>
          <textarea
            id="change-request"
            rows={3}
            maxLength={10_000}
            placeholder="Add filtering by status; store the notes in SQLite; the dates show in UTC, fix that…"
            value={request()}
            disabled={!props.canWrite || command.busy()}
            onInput={(event) => setRequest(event.currentTarget.value)}
          />
          <p class="hint">
            The Project Manager reads the project as it stands and proposes a change plan for you to approve; agents
            then edit the files it names.
            <Show when={paused()}> The paused run ends here: its unfinished tasks are cancelled.</Show>
          </p>
          <button type="submit" class="primary" disabled={!props.canWrite || command.busy() || request().trim() === ''}>
            Ask for a change
          </button>
        </form>
        <Problem message={command.problem()} />
      </section>
    </Show>
  );
}
