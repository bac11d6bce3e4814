import { A } from '@solidjs/router';
import { ViewFrame } from '../../components/view-frame.tsx';

export default function ArtifactsView() {
  return (
    <ViewFrame
      title="Artifacts"
      intro="The files a run produced, with their versions, who made them, and a download of the whole project."
    >
      <div class="empty-state">
        <p>
          Nothing to show yet: <A href="/new">describe a project</A> first.
        </p>
      </div>
    </ViewFrame>
  );
}
