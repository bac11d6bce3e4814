import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { Preview, hasPreviewPage } from '../../checks/preview.tsx';
import { Problem } from '../../components/problem.tsx';
import { SyncBadge } from '../../components/sync-badge.tsx';
import { ChecksPanel } from '../../checks/checks-panel.tsx';
import { AgentsPanel } from './agents-panel.tsx';
import { ArtifactTimeline } from './artifact-timeline.tsx';
import { AskForChange } from './ask-for-change.tsx';
import { ChangeSummary } from './change-summary.tsx';
import { BudgetMeter, Progress } from './budget-meter.tsx';
import { createRunData } from './create-run-data.ts';
import { Feed } from './feed.tsx';
import { LiveOutput } from './live-output.tsx';
import { MessageBox } from './message-box.tsx';
import { PauseBanner } from './pause-banner.tsx';
import { PlanReview } from './plan-review.tsx';
import { RunControls } from './run-controls.tsx';
import { RunEnd } from './run-end.tsx';
import { TaskGraph } from './task-graph.tsx';
import { TaskList } from './task-list.tsx';
import { inPlanOrder } from './task-order.ts';

/**
 * One project's run: controls, the plan to approve, the agents at work, the task graph,
 * live output, money and progress, the feed, files, and a message box to the team.
 */
export function ProjectRun(props: { projectId: string }) {
  const data = createRunData(() => props.projectId);
  const tasks = () => inPlanOrder(data.view()?.tasks ?? []);
  const changed = () => data.refresh();

  return (
    <Show when={data.view()}>
      {(view) => (
        <div class="run-layout">
          <header class="run-header">
            <h2 data-testid="project-name">{view().project.name}</h2>
            <p class="run-links">
              <A href={`/replay?project=${props.projectId}`}>Replay this project</A>
              {' · '}
              <A href={`/artifacts?project=${props.projectId}`}>Artifacts</A>
            </p>
          </header>
          <Show when={data.role() === 'observer'}>
            <p class="banner" role="status" data-testid="observer-banner">
              Watching: this project is open in another tab, which runs it. This tab shows everything live and takes
              over when that tab closes.
            </p>
          </Show>
          <SyncBadge projectId={props.projectId} />
          <Problem message={data.problem()} />
          <Show when={view().notice?.kind === 'recovery' && view().notice}>
            {(notice) => (
              <p class="banner problem" role="alert" data-testid="engine-notice">
                {notice().message}
              </p>
            )}
          </Show>
          <div class="run-top">
            <RunControls project={view().project} tasks={view().tasks} canWrite={data.canWrite()} onChange={changed} />
            <div class="meters">
              <BudgetMeter project={view().project} />
              <Progress tasks={view().tasks} project={view().project} />
            </div>
          </div>
          <PauseBanner project={view().project} tasks={view().tasks} canWrite={data.canWrite()} onChange={changed} />
          <Show when={view().project.plan?.status === 'proposed' && view().project.plan}>
            {(plan) => (
              <PlanReview projectId={props.projectId} plan={plan()} canWrite={data.canWrite()} onChange={changed} />
            )}
          </Show>
          <RunEnd view={view()} />
          <ChangeSummary projectId={props.projectId} events={data.events()} />
          <AskForChange view={view()} canWrite={data.canWrite()} onChange={changed} />
          <AgentsPanel view={view()} />
          <section class="tasks-section" aria-labelledby="tasks-title">
            <h3 id="tasks-title" tabindex="-1">
              Tasks
            </h3>
            <TaskGraph tasks={tasks()} />
            <TaskList projectId={props.projectId} tasks={tasks()} canWrite={data.canWrite()} onChange={changed} />
          </section>
          <LiveOutput projectId={props.projectId} tasks={view().tasks} />
          <ChecksPanel projectId={props.projectId} events={data.events()} canWrite={data.canWrite()} />
          <div class="run-columns">
            <div class="run-column">
              <MessageBox projectId={props.projectId} canWrite={data.canWrite()} />
              <Feed events={data.events()} />
            </div>
            <ArtifactTimeline projectId={props.projectId} events={data.events()} />
          </div>
          <Show when={hasPreviewPage(view().artifacts)}>
            <Preview projectId={props.projectId} artifacts={view().artifacts} />
          </Show>
        </div>
      )}
    </Show>
  );
}
