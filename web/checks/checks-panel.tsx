import { A } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createResource, createSignal, on } from 'solid-js';
import type { CheckCase, OrchestraEvent } from '../../worker/api.ts';
import { describeCheck } from '../../worker/query/describe-check.ts';
import { Problem } from '../components/problem.tsx';
import { callEngine } from '../worker-client.ts';
import { DependencyConsent } from './dependency-consent.tsx';
import { liveCheck } from './live-checks.ts';

type CheckResult = Extract<OrchestraEvent, { type: 'check-result' }>;
type CheckStart = Extract<OrchestraEvent, { type: 'check-run-start' }>;

const statusWords: Record<CheckCase['status'], string> = {
  pass: 'passed',
  fail: 'failed',
  error: 'error',
  skip: 'skipped',
  todo: 'to do',
};
const statusTone: Record<CheckCase['status'], string> = {
  pass: 'done',
  fail: 'failed',
  error: 'failed',
  skip: 'waiting',
  todo: 'waiting',
};

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

/** Where a failure points, as a link to the code view at that line. */
function LocationLink(props: { projectId: string; path: string; line: number }) {
  const href = () =>
    `/artifacts?project=${encodeURIComponent(props.projectId)}&path=${encodeURIComponent(props.path)}&line=${props.line}`;
  return (
    <A href={href()} class="check-location">
      {props.path}:{props.line}
    </A>
  );
}

function CaseRow(props: { projectId: string; item: CheckCase }) {
  const failed = () => props.item.status === 'fail' || props.item.status === 'error';
  return (
    <li class="check-case" data-testid="check-case" data-outcome={props.item.status}>
      <span class="status-pill" data-status={statusTone[props.item.status]}>
        {statusWords[props.item.status]}
      </span>{' '}
      <span class="check-case-name">{props.item.name.join(' › ')}</span>{' '}
      <span class="hint">{ms(props.item.durationMs)}</span>
      <Show when={failed()}>
        <div class="check-failure">
          <Show when={props.item.location}>
            {(where) => <LocationLink projectId={props.projectId} path={where().path} line={where().line} />}
          </Show>
          <Show when={props.item.message}>
            <pre class="check-message">{props.item.message}</pre>
          </Show>
          <Show when={props.item.stack}>
            <details>
              <summary>Stack</summary>
              <pre class="check-stack">{props.item.stack}</pre>
            </details>
          </Show>
        </div>
      </Show>
    </li>
  );
}

/** Cases grouped by their test file, failing files first and open. */
function ResultList(props: { projectId: string; result: CheckResult['payload'] }) {
  const groups = createMemo(() => {
    const byFile = new Map<string, CheckCase[]>();
    for (const item of props.result.cases) {
      const list = byFile.get(item.file) ?? [];
      list.push(item);
      byFile.set(item.file, list);
    }
    for (const file of props.result.files) if (!byFile.has(file.file)) byFile.set(file.file, []);
    const broken = (file: string) =>
      (byFile.get(file) ?? []).some((item) => item.status === 'fail' || item.status === 'error') ||
      props.result.files.some((entry) => entry.file === file && entry.status === 'error');
    return [...byFile.entries()]
      .map(([file, cases]) => ({
        file,
        cases,
        broken: broken(file),
        load: props.result.files.find((entry) => entry.file === file && entry.status === 'error'),
      }))
      .sort((a, b) => Number(b.broken) - Number(a.broken) || a.file.localeCompare(b.file));
  });
  return (
    <ul class="check-files" aria-label="Test files">
      <For each={groups()}>
        {(group) => (
          <li data-testid="check-file">
            <details open={group.broken}>
              <summary>
                <span class="status-pill" data-status={group.broken ? 'failed' : 'done'}>
                  {group.broken ? 'failing' : 'passing'}
                </span>{' '}
                {group.file}{' '}
                <span class="hint">
                  {group.cases.filter((item) => item.status === 'pass').length} of {group.cases.length} pass
                </span>
              </summary>
              <Show when={group.load}>
                {(load) => (
                  <div class="check-failure">
                    <p>The file did not load.</p>
                    <Show when={load().location}>
                      {(where) => <LocationLink projectId={props.projectId} path={where().path} line={where().line} />}
                    </Show>
                    <Show when={load().message}>
                      <pre class="check-message">{load().message}</pre>
                    </Show>
                  </div>
                )}
              </Show>
              <ul class="check-cases">
                <For each={group.cases}>{(item) => <CaseRow projectId={props.projectId} item={item} />}</For>
              </ul>
            </details>
          </li>
        )}
      </For>
    </ul>
  );
}

/**
 * The project's own tests: Run tests and Stop, progress while they run in this page's
 * sandbox, and the recorded result of the last run (or, in Replay, the last run at that
 * point: shown from the log, never run again), with each failure linked to its line.
 */
export function ChecksPanel(props: {
  projectId: string;
  events: readonly OrchestraEvent[];
  canWrite: boolean;
  /** Replay: only what was recorded, no controls. */
  recordedOnly?: boolean;
}) {
  const result = createMemo(() =>
    props.events.findLast((event): event is CheckResult => event.type === 'check-result'),
  );
  const started = createMemo(() =>
    props.events.findLast((event): event is CheckStart => event.type === 'check-run-start'),
  );
  const running = () => {
    const start = started();
    return start !== undefined && result()?.payload.runId !== start.payload.runId && !props.recordedOnly;
  };
  const live = () => liveCheck(props.projectId)();
  // Whether the project's npm packages are on this device changes with its files and runs.
  const dependencyKey = createMemo(
    () =>
      `${result()?.payload.runId ?? ''}:${props.events.filter((event) => event.type.startsWith('artifact-')).length}`,
  );
  const [problem, setProblem] = createSignal<string>();
  // Opening a project in the tab that runs its tests warms their runtime (Python takes
  // seconds to start), so the first Run tests does not wait for it.
  createEffect(
    on(
      () => (props.canWrite && !props.recordedOnly ? props.projectId : undefined),
      (projectId) => {
        if (projectId) void callEngine('prepareChecks', projectId).catch(() => undefined);
      },
    ),
  );
  const [asked, setAsked] = createSignal(false);

  async function runTests(allowDownloads = false) {
    setProblem(undefined);
    setAsked(true);
    try {
      const outcome = await callEngine('runChecks', props.projectId, allowDownloads ? { allowDownloads } : undefined);
      if (!outcome.ok) setProblem(outcome.message);
      else if (!outcome.value.ran) setProblem(outcome.value.reason);
    } finally {
      setAsked(false);
    }
  }
  async function stop() {
    const outcome = await callEngine('stopChecks', props.projectId);
    if (!outcome.ok) setProblem(outcome.message);
  }

  const [settings, { mutate }] = createResource(async () => {
    const loaded = await callEngine('getSettings');
    return loaded.ok ? loaded.value : undefined;
  });
  async function setLimit(seconds: number) {
    if (!Number.isInteger(seconds) || seconds < 5 || seconds > 600) {
      setProblem('The time limit must be a whole number of seconds from 5 to 600.');
      return;
    }
    const saved = await callEngine('updateSettings', { checkTimeoutSeconds: seconds });
    if (saved.ok) {
      mutate(saved.value);
      setProblem(undefined);
    } else setProblem(saved.message);
  }

  const [output] = createResource(
    () => {
      const current = result();
      return current?.payload.outputHash ? { projectId: props.projectId, runId: current.payload.runId } : undefined;
    },
    async ({ projectId, runId }) => {
      const loaded = await callEngine('checkOutput', projectId, runId);
      return loaded.ok ? loaded.value : '';
    },
  );

  const liveCounts = () => {
    const cases = live()?.cases ?? [];
    return {
      pass: cases.filter((item) => item.status === 'pass').length,
      fail: cases.filter((item) => item.status === 'fail' || item.status === 'error').length,
    };
  };

  return (
    <section class="checks panel" aria-labelledby={`checks-title-${props.projectId}`} data-testid="checks-panel">
      <div class="checks-head">
        <h3 id={`checks-title-${props.projectId}`}>Checks</h3>
        <Show when={!props.recordedOnly}>
          <div class="button-row">
            <button
              type="button"
              class="button primary"
              disabled={!props.canWrite || running() || asked()}
              onClick={() => void runTests()}
            >
              Run tests
            </button>
            <Show when={running() && props.canWrite}>
              <button type="button" class="button danger" onClick={() => void stop()}>
                Stop
              </button>
            </Show>
            <label class="checks-limit">
              Time limit (seconds)
              <input
                type="number"
                min="5"
                max="600"
                step="1"
                value={settings()?.checkTimeoutSeconds ?? 60}
                onChange={(event) => void setLimit(Number(event.currentTarget.value))}
              />
            </label>
          </div>
        </Show>
      </div>
      <Problem message={problem()} />
      <Show when={!props.recordedOnly}>
        <DependencyConsent
          projectId={props.projectId}
          refreshKey={dependencyKey()}
          disabled={!props.canWrite || running() || asked()}
          onAllow={() => void runTests(true)}
        />
      </Show>
      <Show when={running()}>
        <div class="checks-progress" role="status">
          <Show
            when={live()?.phase === 'running' && live()}
            fallback={<progress aria-label="Test progress" data-testid="checks-progress-bar" />}
          >
            {(now) => (
              <progress
                aria-label="Test progress"
                data-testid="checks-progress-bar"
                max={Math.max(1, now().fileTotal)}
                value={Math.min(now().fileIndex, Math.max(1, now().fileTotal))}
              />
            )}
          </Show>
          <p data-testid="checks-progress">
            <Show when={live()} fallback="Running the tests in the tab that runs this project…">
              {(now) => (
                <>
                  {now().phase !== 'running'
                    ? (now().detail ?? 'Loading the runtime…')
                    : now().file
                      ? `Running ${now().file} (${now().fileIndex + 1} of ${now().fileTotal})`
                      : 'Running the tests…'}
                  {` · ${liveCounts().pass} passed, ${liveCounts().fail} failed so far`}
                </>
              )}
            </Show>
          </p>
        </div>
      </Show>
      <Show
        when={result()}
        fallback={
          <Show when={!running()}>
            <p class="hint" data-testid="checks-summary">
              The project's tests have not been run yet.
            </p>
          </Show>
        }
      >
        {(current) => (
          <div class="checks-result">
            <p
              role="status"
              data-testid="checks-summary"
              data-outcome={current().payload.outcome}
              class={
                current().payload.outcome === 'completed' &&
                current().payload.counts.fail + current().payload.counts.error === 0
                  ? 'checks-ok'
                  : 'checks-bad'
              }
            >
              {describeCheck(current().payload.outcome, current().payload.counts, current().payload.reason ?? null)}
            </p>
            <p class="hint">
              {current().payload.runtime === 'python' ? 'Python' : 'JavaScript'} · {ms(current().payload.durationMs)} ·{' '}
              {new Date(current().at).toLocaleString()}
              <Show when={current().payload.command}>
                {' · '}Run it on your machine: <code>{current().payload.command}</code>
              </Show>
            </p>
            <Show when={current().payload.packages?.length ? current().payload.packages : undefined}>
              {(packages) => (
                <p class="hint" data-testid="checks-packages">
                  Ran against {packages().length} npm package{packages().length === 1 ? '' : 's'}:{' '}
                  {packages()
                    .map((one) => `${one.name}@${one.version}${one.locked ? ' (locked)' : ''}`)
                    .join(', ')}
                </p>
              )}
            </Show>
            <ResultList projectId={props.projectId} result={current().payload} />
            <Show when={current().payload.outputHash}>
              <details class="checks-output">
                <summary>Output</summary>
                <pre aria-label="Test output">{output() ?? ''}</pre>
              </details>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
