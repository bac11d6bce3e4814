import { modelName } from '../../../worker/query/index.ts';
import { For, Index, Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import type { TaskRow } from '../../../worker/api.ts';
import { roleName } from '../../format/roles.ts';
import { watchOutput } from '../../worker-client.ts';
import { CodeView } from '../artifacts/code-view.tsx';
import { createNow } from './create-now.ts';
import { type TaskOutput, applyOutput } from './output-buffer.ts';
import { SilenceNotice } from './silence-notice.tsx';
import { makeSilenceWatch } from './silence-watch.ts';
import { type StreamedFile, streamedAnswer } from './streamed-answer.ts';

/**
 * What each running agent is writing, as it streams in: files as code under their paths.
 * A call silent for 40 s says so, with "Keep waiting" and "Switch model" (`silence-watch.ts`).
 */
export function LiveOutput(props: { projectId: string; tasks: TaskRow[] }) {
  const [outputs, setOutputs] = createSignal<ReadonlyMap<string, TaskOutput>>(new Map());
  const watch = makeSilenceWatch();
  createEffect(() => {
    const stop = watchOutput(props.projectId, (updates) => {
      for (const update of updates) watch.heard(update.taskId, update.attempt);
      setOutputs((current) => applyOutput(current, updates));
    });
    onCleanup(stop);
  });
  const now = createNow(1000);
  /** Bumped when the person chooses to keep waiting: the silences are read again at once. */
  const [waited, setWaited] = createSignal(0);
  const silent = createMemo(
    () => {
      now();
      outputs();
      waited();
      const calls = props.tasks
        .filter((task) => task.status === 'running')
        .map((task) => ({ taskId: task.taskId, attempt: task.attempt, startedAt: task.startedAt }));
      return new Set(watch.silent(calls).map((silence) => silence.taskId));
    },
    new Set<string>(),
    { equals: (a, b) => a.size === b.size && [...a].every((taskId) => b.has(taskId)) },
  );
  const keepWaiting = (taskId: string) => {
    watch.keepWaiting(taskId);
    setWaited((count) => count + 1);
  };
  const running = createMemo(
    () => props.tasks.filter((task) => task.status === 'running').map((task) => task.taskId),
    undefined,
    { equals: (a, b) => a.length === b.length && a.every((id, index) => id === b[index]) },
  );
  const taskOf = (taskId: string) => props.tasks.find((task) => task.taskId === taskId);
  const titleOf = (taskId: string) => taskOf(taskId)?.title ?? taskId;

  return (
    <section class="live-output" data-testid="live-output" aria-labelledby="live-output-title">
      <h3 id="live-output-title">Agents writing now</h3>
      <Show when={running().length > 0} fallback={<p class="hint">No agent is writing right now.</p>}>
        <For each={running()}>
          {(taskId) => (
            <>
              <Show when={silent().has(taskId) && taskOf(taskId)}>
                {(task) => (
                  <SilenceNotice
                    projectId={props.projectId}
                    task={task()}
                    thresholdMs={watch.thresholdMs}
                    onKeepWaiting={() => keepWaiting(taskId)}
                  />
                )}
              </Show>
              <OutputPane title={titleOf(taskId)} taskId={taskId} output={outputs().get(taskId)} />
            </>
          )}
        </For>
      </Show>
    </section>
  );
}

function OutputPane(props: { title: string; taskId: string; output: TaskOutput | undefined }) {
  const [raw, setRaw] = createSignal(false);
  const text = () => props.output?.text ?? '';
  const answer = createMemo(() => streamedAnswer(text()));
  const files = () => {
    const current = answer();
    return current.kind === 'files' ? current.files : [];
  };
  let scroller: HTMLDivElement | undefined;
  // Follow the end of the answer unless the person scrolled up to read.
  let following = true;
  const onScroll = () => {
    if (scroller) following = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 24;
  };
  createEffect(
    on([text, raw], () => {
      if (scroller && following) scroller.scrollTop = scroller.scrollHeight;
    }),
  );
  return (
    <article class="output-pane" data-task-id={props.taskId} aria-label={`Output of ${props.title}`}>
      <header class="output-head">
        <p>
          <strong>{props.title}</strong>
          <Show when={props.output}>
            {(output) => (
              <span class="hint">
                {' '}
                · {roleName(output().role)} · {modelName(output().provider, output().model)} · attempt{' '}
                {output().attempt}
              </span>
            )}
          </Show>
        </p>
        <button type="button" class="small" aria-pressed={raw()} onClick={() => setRaw((shown) => !shown)}>
          Raw answer
        </button>
      </header>
      <div
        ref={scroller}
        class="output-scroll"
        tabindex="0"
        role="region"
        aria-label={raw() ? `Raw answer of ${props.title}` : `Files ${props.title} is writing`}
        onScroll={onScroll}
      >
        <Show
          when={!raw() && text() !== ''}
          fallback={<pre class="output-raw">{text() || 'Waiting for the first words…'}</pre>}
        >
          <Switch>
            <Match when={answer().kind === 'files'}>
              <Show when={files().length > 0} fallback={<p class="hint">Starting the first file…</p>}>
                <ol class="streamed-files">
                  <Index each={files()}>{(file) => <StreamedFileView file={file()} />}</Index>
                </ol>
              </Show>
            </Match>
            <Match when={answer().kind === 'json'}>
              <CodeView text={(answer() as { text: string }).text} language="json" label={`Answer of ${props.title}`} />
            </Match>
            <Match when={answer().kind === 'text'}>
              <pre class="output-raw">{text()}</pre>
            </Match>
          </Switch>
        </Show>
      </div>
    </article>
  );
}

function StreamedFileView(props: { file: StreamedFile }) {
  // Only the growing file's text changes between updates: finished ones keep their colours.
  const content = createMemo(() => props.file.content);
  const lines = () => content().split('\n').length;
  return (
    <li class="streamed-file" data-path={props.file.path} data-complete={props.file.complete}>
      <p class="streamed-file-head">
        <code class="file-path">{props.file.path}</code>{' '}
        <span class="hint">{props.file.complete ? `${lines()} lines` : `writing… ${lines()} lines so far`}</span>
      </p>
      <CodeView text={content()} language={props.file.language} label={props.file.path} />
    </li>
  );
}
