import { A } from '@solidjs/router';
import { For, Show, createResource, onCleanup } from 'solid-js';
import { ViewFrame } from '../../components/view-frame.tsx';
import { rowBadge } from '../../../worker/query/index.ts';
import type { SyncStatus } from '../../../worker/api.ts';
import { syncMoved } from './sync-refresh.ts';
import { formatUsd } from '../../format/money.ts';
import { callEngine } from '../../worker-client.ts';
import { BringProjectIn } from './bring-in.tsx';

export default function ProjectsView() {
  /** Sync as it stood when the list was last read. */
  let seen: SyncStatus | undefined;
  const [projects, { refetch }] = createResource(async () => {
    seen = await callEngine('syncStatus').catch(() => undefined);
    const result = await callEngine('listProjects');
    if (!result.ok) throw new Error(result.message);
    return result.value;
  });
  // Projects also arrive from the person's other devices: the list is read again only
  // when sync moved something (never with sync off, so the rows and focus stay put).
  const timer = setInterval(() => {
    void callEngine('syncStatus')
      .then((now) => {
        if (syncMoved(seen, now)) void refetch();
      })
      .catch(() => undefined);
  }, 2000);
  onCleanup(() => clearInterval(timer));
  return (
    <ViewFrame title="Projects" intro="Every project you have described on this device, with its state and cost.">
      <Show
        when={(projects()?.length ?? 0) > 0}
        fallback={
          <Show when={projects()}>
            <div class="empty-state">
              <p>No projects yet.</p>
              <A href="/new" class="button primary">
                Describe a project
              </A>
            </div>
          </Show>
        }
      >
        <ul class="project-list" data-testid="project-list">
          <For each={projects()}>
            {(project) => (
              <li>
                <A href={`/run?project=${project.id}`}>{project.name}</A>{' '}
                <span class="status-pill" data-status={project.runStatus} data-tone={rowBadge(project).tone}>
                  {rowBadge(project).label}
                </span>
                <span class="hint">
                  {' '}
                  {project.status === 'archived' ? 'archived · ' : ''}
                  {project.lastSeq} events · {formatUsd(project.spentUsd)} spent
                  {project.budgetUsd !== null ? ` of ${formatUsd(project.budgetUsd)}` : ''} · updated{' '}
                  {new Date(project.updatedAt).toLocaleString()}
                </span>
                <span class="project-links">
                  <A href={`/artifacts?project=${project.id}`}>Files</A>
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <BringProjectIn />
    </ViewFrame>
  );
}
