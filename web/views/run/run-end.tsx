import { A } from '@solidjs/router';
import { Show, createEffect, on } from 'solid-js';
import { focusIfLost } from '../../lib/focus.ts';
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
  let heading: HTMLHeadingElement | undefined;
  // A run that ends while watched: how it ended is what comes next (not on opening a finished one).
  createEffect(
    on(
      () => props.view.project.runStatus,
      (status, previous) => {
        if (previous !== undefined && previous !== 'stopped' && status === 'stopped') focusIfLost(() => heading);
      },
    ),
  );
  const lastSession = () =>
    [...props.view.sessions].sort((a, b) => b.startedAt - a.startedAt).find((session) => session.status === 'stopped');
  return (
    <Show when={props.view.project.runStatus === 'stopped'}>
      <section class="run-end panel" data-testid="run-end" aria-labelledby="run-end-title">
        <h3 id="run-end-title" tabindex="-1" ref={heading}>
          {outcomes.get(lastSession()?.outcome ?? '') ?? 'The run has ended.'}
        </h3>
        <Show when={props.view.project.runMessage}>
          <p data-testid="run-message">{props.view.project.runMessage}</p>
        </Show>
        <Show when={props.view.project.plan?.source === 'template'}>
          <p data-testid="template-note">
            <span class="badge template-badge">Template (no AI)</span> No AI read your description: this is a starter
            from a template. With a model key in <A href="/settings">Settings</A>, a project’s Project Manager reads its
            description and the agents build what it asks for.
          </p>
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
