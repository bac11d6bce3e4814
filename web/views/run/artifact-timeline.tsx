import { A } from '@solidjs/router';
import { For, Show, createMemo } from 'solid-js';
import type { OrchestraEvent } from '../../../worker/api.ts';
import { describeActor } from '../../../worker/query/index.ts';

interface FileChange {
  seq: number;
  at: number;
  path: string;
  action: 'created' | 'updated' | 'deleted';
  who: string;
  template: boolean;
}

/** Files as they were created, updated and deleted, in order, each linking to its page in Artifacts. */
export function ArtifactTimeline(props: { projectId: string; events: OrchestraEvent[] }) {
  const changes = createMemo(() => {
    const list: FileChange[] = [];
    for (const event of props.events) {
      if (event.type !== 'artifact-create' && event.type !== 'artifact-version' && event.type !== 'artifact-delete')
        continue;
      list.push({
        seq: event.seq,
        at: event.at,
        path: event.payload.path,
        action: event.type === 'artifact-create' ? 'created' : event.type === 'artifact-delete' ? 'deleted' : 'updated',
        who: describeActor(event.actor),
        template: event.payload.provenance.source === 'template',
      });
    }
    return list;
  });
  const link = (path: string) =>
    `/artifacts?project=${encodeURIComponent(props.projectId)}&path=${encodeURIComponent(path)}`;

  return (
    <section class="artifact-timeline" data-testid="artifact-timeline" aria-labelledby="timeline-title">
      <h3 id="timeline-title">Files</h3>
      <Show when={changes().length > 0} fallback={<p class="hint">No files yet.</p>}>
        <ol class="timeline">
          <For each={changes()}>
            {(change) => (
              <li data-seq={change.seq}>
                <time datetime={new Date(change.at).toISOString()}>{new Date(change.at).toLocaleTimeString()}</time>{' '}
                <span class="hint">{change.action}</span> <A href={link(change.path)}>{change.path}</A>
                <span class="hint"> · {change.template ? 'Template (no AI)' : change.who}</span>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <p>
        <A href={`/artifacts?project=${encodeURIComponent(props.projectId)}`}>Open all files in Artifacts</A>
      </p>
    </section>
  );
}
