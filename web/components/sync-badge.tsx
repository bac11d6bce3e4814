import { Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { ProjectSyncStatus } from '../../worker/api.ts';
import { callEngine } from '../worker-client.ts';
import { Problem } from './problem.tsx';

/**
 * A project's place in sync: synced, events waiting, or written by another device (this
 * one watches it live, and can take it over: the other device's next write is fenced).
 */
export function SyncBadge(props: { projectId: string }) {
  const [status, setStatus] = createSignal<ProjectSyncStatus>();
  const [problem, setProblem] = createSignal<string>();
  const refresh = async () => {
    const next = await callEngine('syncProjectStatus', props.projectId).catch(() => undefined);
    if (next) setStatus(next);
  };
  onMount(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1500);
    onCleanup(() => clearInterval(timer));
  });
  async function takeOver() {
    const result = await callEngine('syncTakeOver', props.projectId).catch((error: unknown) => ({
      ok: false as const,
      message: `The engine did not answer: ${String(error)}`,
    }));
    if (result.ok) setStatus(result.value);
    else setProblem(result.message);
  }

  async function dismiss() {
    const next = await callEngine('syncDismissKept', props.projectId).catch(() => undefined);
    if (next) setStatus(next);
  }

  return (
    <>
      <Show when={status()?.kept}>
        <p class="sync-badge" role="status" data-testid="sync-kept">
          Deleted on your other devices. This device kept its copy, which holds work they never received; it is no
          longer synced.{' '}
          <button type="button" onClick={() => void dismiss()}>
            Dismiss
          </button>
        </p>
      </Show>
      <Show when={status()?.synced}>
        <p class="sync-badge" role="status" data-testid="sync-badge" data-remote={String(status()?.remote ?? false)}>
          <Show
            when={status()?.remote}
            fallback={
              status()?.waiting
                ? `Sync: ${status()?.waiting} events waiting to sync.`
                : 'Sync: up to date on the server.'
            }
          >
            Another device runs this project; this one shows it live.{' '}
            <button type="button" onClick={() => void takeOver()}>
              Take over here
            </button>
          </Show>
        </p>
        <Problem message={problem()} />
      </Show>
    </>
  );
}
