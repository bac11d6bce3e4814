import { A } from '@solidjs/router';
import { For, Show, createMemo, createResource } from 'solid-js';
import type { OrchestraEvent } from '../../../worker/api.ts';
import { callEngine } from '../../worker-client.ts';

/**
 * What the latest run changed in the project's files: "3 files changed, +42 −7", and
 * each file with its own counts, linked to its diff in Artifacts.
 */
export function ChangeSummary(props: { projectId: string; events: OrchestraEvent[] }) {
  // A new key only when a field changes: a new object per event would refetch (and rediff) the summary each time.
  const key = createMemo(
    () => {
      let since = 0;
      let versions = 0;
      for (const event of props.events) {
        if (event.type === 'run-start') since = event.seq - 1;
        else if (
          event.type === 'artifact-create' ||
          event.type === 'artifact-version' ||
          event.type === 'artifact-delete'
        )
          versions = event.seq;
      }
      return versions > since ? { projectId: props.projectId, since, versions } : undefined;
    },
    undefined,
    { equals: (a, b) => a?.projectId === b?.projectId && a?.since === b?.since && a?.versions === b?.versions },
  );
  const [summary] = createResource(key, async (current) => {
    const result = await callEngine('changeSummary', current.projectId, current.since);
    return result.ok ? result.value : undefined;
  });
  return (
    <Show when={summary()?.files.length ? summary() : undefined}>
      {(current) => (
        <section class="panel change-summary" aria-labelledby="change-summary-title" data-testid="change-summary">
          <h3 id="change-summary-title">Changes in this run</h3>
          <p data-testid="change-sentence">{current().sentence}</p>
          <ul>
            <For each={current().files}>
              {(file) => (
                <li>
                  <A href={`/artifacts?project=${props.projectId}&path=${encodeURIComponent(file.path)}`}>
                    {file.path}
                  </A>{' '}
                  <span class="hint">{file.status}</span> <span class="diff-added">+{file.added}</span>{' '}
                  <span class="diff-removed">
                    {'\u2212'}
                    {file.removed}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </section>
      )}
    </Show>
  );
}
