import { A } from '@solidjs/router';
import { For, Show, createResource } from 'solid-js';
import { ViewFrame } from '../../components/view-frame.tsx';
import { callEngine } from '../../worker-client.ts';

export default function ProjectsView() {
  const [projects] = createResource(async () => {
    const result = await callEngine('listProjects');
    if (!result.ok) throw new Error(result.message);
    return result.value;
  });
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
                <A href={`/run?project=${project.id}`}>{project.name}</A>
                <span class="hint">
                  {' '}
                  · {project.status === 'archived' ? 'archived · ' : ''}
                  {project.lastSeq} events · updated {new Date(project.updatedAt).toLocaleString()}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </ViewFrame>
  );
}
