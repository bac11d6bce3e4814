import { A } from '@solidjs/router';
import { ViewFrame } from '../../components/view-frame.tsx';

export default function RouterView() {
  return (
    <ViewFrame
      title="Router & costs"
      intro="Which model each kind of task went to and why, what each model has earned, and what every project has cost."
    >
      <div class="empty-state">
        <p>
          Nothing to show yet: <A href="/new">describe a project</A> first.
        </p>
      </div>
    </ViewFrame>
  );
}
