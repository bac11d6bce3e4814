import { ViewFrame } from '../../components/view-frame.tsx';
import { HealthPanel } from './health-panel.tsx';
import { ProjectStorage } from './project-storage.tsx';

export default function DataView() {
  return (
    <ViewFrame title="Data" intro="Where Orchestra keeps your work on this device, and how much room it has.">
      <HealthPanel />
      <ProjectStorage />
    </ViewFrame>
  );
}
