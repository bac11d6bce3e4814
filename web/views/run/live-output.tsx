import { For, Show, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import type { TaskRow } from '../../../worker/api.ts';
import { roleName } from '../../format/roles.ts';
import { watchOutput } from '../../worker-client.ts';
import { type TaskOutput, applyOutput } from './output-buffer.ts';

/** The text each running agent is writing, as it streams in (as text, never as markup). */
export function LiveOutput(props: { projectId: string; tasks: TaskRow[] }) {
  const [outputs, setOutputs] = createSignal<ReadonlyMap<string, TaskOutput>>(new Map());
  createEffect(() => {
    const stop = watchOutput(props.projectId, (updates) => setOutputs((current) => applyOutput(current, updates)));
    onCleanup(stop);
  });
  const running = createMemo(
    () => props.tasks.filter((task) => task.status === 'running').map((task) => task.taskId),
    undefined,
    { equals: (a, b) => a.length === b.length && a.every((id, index) => id === b[index]) },
  );
  const titleOf = (taskId: string) => props.tasks.find((task) => task.taskId === taskId)?.title ?? taskId;

  return (
    <section class="live-output" data-testid="live-output" aria-labelledby="live-output-title">
      <h3 id="live-output-title">Agents writing now</h3>
      <Show when={running().length > 0} fallback={<p class="hint">No agent is writing right now.</p>}>
        <For each={running()}>
          {(taskId) => <OutputPane title={titleOf(taskId)} taskId={taskId} output={outputs().get(taskId)} />}
        </For>
      </Show>
    </section>
  );
}

function OutputPane(props: { title: string; taskId: string; output: TaskOutput | undefined }) {
  let pre: HTMLPreElement | undefined;
  // Follow the end of the text unless the person scrolled up to read.
  let following = true;
  const onScroll = () => {
    if (pre) following = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
  };
  createEffect(
    on(
      () => props.output?.text,
      () => {
        if (pre && following) pre.scrollTop = pre.scrollHeight;
      },
    ),
  );
  return (
    <article class="output-pane" data-task-id={props.taskId}>
      <header>
        <strong>{props.title}</strong>
        <Show when={props.output}>
          {(output) => (
            <span class="hint">
              {' '}
              · {roleName(output().role)} ·{' '}
              {output().provider === 'template' ? 'Template (no AI)' : `${output().provider} ${output().model}`} ·
              attempt {output().attempt}
            </span>
          )}
        </Show>
      </header>
      <pre ref={pre} tabindex="0" aria-label={`Output of ${props.title}`} onScroll={onScroll}>
        {props.output?.text || 'Waiting for the first words…'}
      </pre>
    </article>
  );
}
