import { A } from '@solidjs/router';
import { ViewFrame } from '../../components/view-frame.tsx';

export default function ReplayView() {
  return (
    <ViewFrame
      title="Replay"
      intro="Step through a finished or interrupted run event by event, or jump to any moment of it."
    >
      <div class="empty-state">
        <p>
          Nothing to show yet: <A href="/new">describe a project</A> first.
        </p>
      </div>
    </ViewFrame>
  );
}
