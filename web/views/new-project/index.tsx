import { A } from '@solidjs/router';
import { ViewFrame } from '../../components/view-frame.tsx';

export default function NewProjectView() {
  return (
    <ViewFrame
      title="New project"
      intro="Describe what you want built. The Project Manager plans it as tasks, you approve the plan, and the agents build it."
    >
      <div class="empty-state">
        <p>Planning is not available in this version yet.</p>
        <p>
          Meanwhile you can choose a theme in <A href="/settings">Settings</A> and check this device’s storage in{' '}
          <A href="/data">Data</A>.
        </p>
      </div>
    </ViewFrame>
  );
}
