import { For, Show, createResource, createSignal } from 'solid-js';
import { describeEvent } from '../../../worker/query/index.ts';
import { callEngine } from '../../worker-client.ts';
import { ChecksPanel } from '../../checks/checks-panel.tsx';
import { createCheckEvents } from '../../checks/create-check-events.ts';

async function unwrap<T>(result: Promise<{ ok: true; value: T } | { ok: false; message: string }>): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw new Error(settled.message);
  return settled.value;
}

/** A slider over a project's log: the project as it was right after the chosen event. */
export function ProjectReplay(props: { projectId: string }) {
  const [head] = createResource(
    () => props.projectId,
    async (projectId) => (await unwrap(callEngine('openProject', projectId))).view.lastSeq,
  );
  const [seq, setSeq] = createSignal<number>();
  const position = () => seq() ?? head() ?? 0;
  const point = () => (head() === undefined ? undefined : ([props.projectId, position()] as const));
  const [view] = createResource(point, ([projectId, at]) => unwrap(callEngine('projectAt', projectId, at)));
  // Test runs as they were recorded up to this point: shown, never run again.
  const checks = createCheckEvents(() => props.projectId);
  const checksSoFar = () => checks.events().filter((entry) => entry.seq <= position());
  const [event] = createResource(
    point,
    async ([projectId, at]) => (await unwrap(callEngine('readEvents', projectId, at, at)))[0],
  );

  return (
    <Show when={head() !== undefined}>
      <div class="stack">
        <label>
          Event {position()} of {head()}
          <input
            type="range"
            min="1"
            max={head()}
            value={position()}
            data-testid="replay-slider"
            onInput={(input) => setSeq(Number(input.currentTarget.value))}
          />
        </label>
        <p data-testid="replay-event">{event.latest ? describeEvent(event.latest) : ''}</p>
        <h2 class="section-title">The project after this event</h2>
        <Show when={view.latest}>
          {(current) => (
            <dl class="facts" data-testid="replay-state">
              <dt>Project</dt>
              <dd>{current().project.name}</dd>
              <dt>Run</dt>
              <dd>{current().project.runStatus}</dd>
              <dt>Messages</dt>
              <dd data-testid="replay-messages">{current().project.messages}</dd>
              <dt>Tasks</dt>
              <dd>
                <For each={current().tasks} fallback="none yet">
                  {(task) => (
                    <span class="chip">
                      {task.title}: {task.status}
                    </span>
                  )}
                </For>
              </dd>
              <dt>Files</dt>
              <dd>
                <For each={current().artifacts} fallback="none yet">
                  {(artifact) => (
                    <span class="chip">
                      {artifact.path} v{artifact.latest}
                    </span>
                  )}
                </For>
              </dd>
              <dt>Spent</dt>
              <dd>${current().project.spentUsd.toFixed(4)}</dd>
            </dl>
          )}
        </Show>
        <ChecksPanel projectId={props.projectId} events={checksSoFar()} canWrite={false} recordedOnly />
      </div>
    </Show>
  );
}
