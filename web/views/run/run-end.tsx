import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import type { ProjectView } from '../../../worker/api.ts';
import { ExportZipButton } from '../../components/export-zip-button.tsx';

const outcomes: ReadonlyMap<string, string> = new Map([
  ['completed', 'The run is complete.'],
  ['cancelled', 'The run was cancelled.'],
  ['emergency', 'The run was stopped with the emergency stop.'],
  ['failed', 'The run failed.'],
]);

/** How the last run ended, what is left to look at, and the project to take away. */
export function RunEnd(props: { view: ProjectView }) {
  const lastSession = () =>
    [...props.view.sessions].sort((a, b) => b.startedAt - a.startedAt).find((session) => session.status === 'stopped');
  return (
    <Show when={props.view.project.runStatus === 'stopped'}>
      <section class="run-end panel" data-testid="run-end" aria-labelledby="run-end-title">
        <h3 id="run-end-title">{outcomes.get(lastSession()?.outcome ?? '') ?? 'The run has ended.'}</h3>
        <Show when={props.view.project.runMessage}>
          <p data-testid="run-message">{props.view.project.runMessage}</p>
        </Show>
        <p>
          {props.view.artifacts.length} files.{' '}
          <A href={`/artifacts?project=${encodeURIComponent(props.view.project.id)}`}>See them in Artifacts</A>
        </p>
        <ExportZipButton projectId={props.view.project.id} />
      </section>
    </Show>
  );
}
