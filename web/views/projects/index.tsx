import { A } from '@solidjs/router';
import { ViewFrame } from '../../components/view-frame.tsx';

export default function ProjectsView() {
  return (
    <ViewFrame title="Projects" intro="Every project you have described on this device, with its state and cost.">
      <div class="empty-state">
        <p>No projects yet.</p>
        <A href="/new" class="button primary">
          Describe a project
        </A>
      </div>
    </ViewFrame>
  );
}
