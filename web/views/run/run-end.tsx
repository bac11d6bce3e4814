import { A } from '@solidjs/router';
import { Show, createEffect, on } from 'solid-js';
import { focusIfLost } from '../../lib/focus.ts';
import type { ProjectView } from '../../../worker/api.ts';
import { runBadge, runSentence } from '../../../worker/query/index.ts';
import { ExportZipButton } from '../../components/export-zip-button.tsx';
import { viewRunState } from './control-state.ts';

/**
 * How the last run ended, named (completed, completed with cancelled tasks, rejected,
 * stopped by you, emergency stop, failed), what is left to look at, and the project to
 * take away when there is something to take.
 */
export function RunEnd(props: { view: ProjectView }) {
  const state = () => viewRunState(props.view);
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
  /** The sentence naming how it ended; the run's own closing sentence follows it. */
  const headline = () => {
    const ended = state();
    return ended.phase === 'ended' ? runSentence({ ...ended, reason: null }) : '';
  };
  return (
    <Show when={state().phase === 'ended'}>
      <section
        class="run-end panel"
        data-testid="run-end"
        data-tone={runBadge(state()).tone}
        aria-labelledby="run-end-title"
      >
        <h3 id="run-end-title" tabindex="-1" ref={heading}>
          {runBadge(state()).label}
        </h3>
        <p data-testid="run-summary">{headline()}</p>
        <Show when={props.view.project.runMessage}>
          <p data-testid="run-message">{props.view.project.runMessage}</p>
        </Show>
        <Show when={props.view.project.plan?.source === 'template' && props.view.project.plan.change}>
          <p data-testid="template-note">
            <span class="badge template-badge">Template (no AI)</span> No AI read your request: with no model key, it
            was written down in the project and nothing else changed. With a model key in{' '}
            <A href="/settings">Settings</A>, the Project Manager plans a change and the agents make it.
          </p>
        </Show>
        <Show when={props.view.project.plan?.source === 'template' && !props.view.project.plan.change}>
          <p data-testid="template-note">
            <span class="badge template-badge">Template (no AI)</span> No AI read your description: this is a starter
            from a template. With a model key in <A href="/settings">Settings</A>, a project’s Project Manager reads its
            description and the agents build what it asks for.
          </p>
        </Show>
        <Show when={props.view.artifacts.length > 0} fallback={<p>No files were written.</p>}>
          <p>
            {props.view.artifacts.length} file{props.view.artifacts.length === 1 ? '' : 's'}.{' '}
            <A href={`/artifacts?project=${encodeURIComponent(props.view.project.id)}`}>See them in Artifacts</A>
          </p>
          <ExportZipButton projectId={props.view.project.id} />
        </Show>
      </section>
    </Show>
  );
}
