import { A } from '@solidjs/router';
import { For, Show, createResource } from 'solid-js';
import { callEngine } from '../../worker-client.ts';

/** With no project chosen: the projects to look at. */
export function ProjectPicker() {
  const [projects] = createResource(async () => {
    const result = await callEngine('listProjects');
    if (!result.ok) throw new Error(result.message);
    return result.value;
  });
  return (
    <Show
      when={(projects()?.length ?? 0) > 0}
      fallback={
        <Show when={projects()}>
          <div class="empty-state">
            <p>
              Nothing to show yet: <A href="/new">describe a project</A> first.
            </p>
          </div>
        </Show>
      }
    >
      <p>Choose a project to see its files:</p>
      <ul class="project-list" data-testid="artifact-projects">
        <For each={projects()}>
          {(project) => (
            <li>
              <A href={`/artifacts?project=${project.id}`}>{project.name}</A>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
