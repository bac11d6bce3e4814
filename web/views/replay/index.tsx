import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { ViewFrame } from '../../components/view-frame.tsx';
import { useProjectParam } from '../use-project-param.ts';
import { ProjectReplay } from './project-replay.tsx';

export default function ReplayView() {
  const projectId = useProjectParam();
  return (
    <ViewFrame
      title="Replay"
      intro="Step through a finished or interrupted run event by event, or jump to any moment of it."
    >
      <Show
        when={projectId()}
        keyed
        fallback={
          <div class="empty-state">
            <p>
              Open a project from <A href="/">Projects</A> and choose Replay.
            </p>
          </div>
        }
      >
        {(id) => <ProjectReplay projectId={id} />}
      </Show>
    </ViewFrame>
  );
}
