import { Show } from 'solid-js';
import { ViewFrame } from '../../components/view-frame.tsx';
import { useProjectParam } from '../use-project-param.ts';
import { ProjectArtifacts } from './project-artifacts.tsx';
import { ProjectPicker } from './project-picker.tsx';

export default function ArtifactsView() {
  const projectId = useProjectParam();
  return (
    <ViewFrame
      title="Artifacts"
      intro="The files a run produced, with their versions, who made them, and a download of the whole project."
    >
      <Show when={projectId()} keyed fallback={<ProjectPicker />}>
        {(id) => <ProjectArtifacts projectId={id} />}
      </Show>
    </ViewFrame>
  );
}
