import { A } from '@solidjs/router';
import { For, Show, createEffect, createResource, createSignal, onCleanup } from 'solid-js';
import type { OrchestraEvent, WriterRole } from '../../../worker/api.ts';
import { describeEvent } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine, watchProject } from '../../worker-client.ts';

/** One project's run: who may write here, the collaboration feed, and a message box to the team. */
export function ProjectRun(props: { projectId: string }) {
  const [role, setRole] = createSignal<WriterRole>();
  const [events, setEvents] = createSignal<OrchestraEvent[]>([]);
  const [opened] = createResource(
    () => props.projectId,
    async (projectId) => {
      const result = await callEngine('openProject', projectId);
      if (!result.ok) throw new Error(result.message);
      setRole(result.value.role);
      return result.value.view;
    },
  );
  // Once open, watch the log from its start: what is there, then every new event.
  createEffect(() => {
    if (!opened()) return;
    const stop = watchProject(props.projectId, 0, (update) => {
      if (update.kind === 'role') setRole(update.role);
      else setEvents((current) => [...current, ...update.events]);
    });
    onCleanup(stop);
  });
  const newestFirst = () => [...events()].reverse();

  return (
    <Show when={opened()}>
      {(view) => (
        <div class="stack">
          <h2 data-testid="project-name">{view().project.name}</h2>
          <p>
            <A href={`/replay?project=${props.projectId}`}>Replay this project</A>
          </p>
          <Show when={role() === 'observer'}>
            <p class="banner" role="status" data-testid="observer-banner">
              Watching: this project is open in another tab, which runs it. This tab shows everything live and takes
              over when that tab closes.
            </p>
          </Show>
          <MessageBox projectId={props.projectId} canWrite={role() === 'writer'} />
          <section aria-labelledby="feed-title">
            <h3 id="feed-title">Collaboration feed</h3>
            <ol class="feed" data-testid="feed">
              <For each={newestFirst()}>
                {(event) => (
                  <li data-seq={event.seq}>
                    <time datetime={new Date(event.at).toISOString()}>{new Date(event.at).toLocaleTimeString()}</time>{' '}
                    {describeEvent(event)}
                  </li>
                )}
              </For>
            </ol>
          </section>
        </div>
      )}
    </Show>
  );
}

function MessageBox(props: { projectId: string; canWrite: boolean }) {
  const [text, setText] = createSignal('');
  const [problem, setProblem] = createSignal<string>();

  async function send(event: SubmitEvent) {
    event.preventDefault();
    const result = await callEngine('sendMessage', props.projectId, text());
    if (result.ok) {
      setText('');
      setProblem(undefined);
    } else {
      setProblem(result.message);
    }
  }

  return (
    <form class="message-box" onSubmit={(event) => void send(event)}>
      <label for="message">Message to the team</label>
      <textarea
        id="message"
        rows={2}
        maxLength={10_000}
        value={text()}
        disabled={!props.canWrite}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <button type="submit" class="primary" disabled={!props.canWrite || text().trim() === ''}>
        Send
      </button>
      <Problem message={problem()} />
    </form>
  );
}
