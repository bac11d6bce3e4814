import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { ViewFrame } from '../../components/view-frame.tsx';
import { useProjectParam } from '../use-project-param.ts';
import { ProjectRun } from './project-run.tsx';

export default function LiveRunView() {
  const projectId = useProjectParam();
  return (
    <ViewFrame
      title="Live run"
      intro="Watch every agent of a run work: the task graph, each agent’s output as it streams, costs as they add up, and controls to pause, step or stop."
    >
      <Show
        when={projectId()}
        keyed
        fallback={
          <div class="empty-state">
            <p>
              Open a project from <A href="/">Projects</A>, or <A href="/new">describe a new one</A>.
            </p>
          </div>
        }
      >
        {(id) => <ProjectRun projectId={id} />}
      </Show>
    </ViewFrame>
  );
}
