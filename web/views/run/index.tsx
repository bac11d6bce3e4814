import { A } from '@solidjs/router';
import { ViewFrame } from '../../components/view-frame.tsx';

export default function LiveRunView() {
  return (
    <ViewFrame
      title="Live run"
      intro="Watch every agent of a run work: the task graph, each agent’s output as it streams, costs as they add up, and controls to pause, step or stop."
    >
      <div class="empty-state">
        <p>
          Nothing to show yet: <A href="/new">describe a project</A> first.
        </p>
      </div>
    </ViewFrame>
  );
}
