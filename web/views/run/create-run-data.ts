import { createEffect, createResource, createSignal, onCleanup } from 'solid-js';
import type { OrchestraEvent, ProjectView, WriterRole } from '../../../worker/api.ts';
import { callEngine, watchProject } from '../../worker-client.ts';
import { makeThrottle } from '../../lib/throttle.ts';

const refreshEveryMs = 250;

/**
 * One project's live data: the ProjectView (re-read from the engine at most four times a
 * second while events arrive, never folded here), every event for the feed, and this
 * tab's role (writer or observer).
 */
export function createRunData(projectId: () => string) {
  const [role, setRole] = createSignal<WriterRole>();
  // One array grown in place; `equals: false` tells readers it changed.
  const [events, setEvents] = createSignal<OrchestraEvent[]>([], { equals: false });
  const [latest, setLatestSignal] = createSignal<ProjectView>();
  // The last event the view covers, kept outside the signal for the watcher below.
  let viewSeq = 0;
  const setLatest = (view: ProjectView) => {
    // Reads can answer out of order under load: an older view never replaces a newer one
    // (it would unmount what the person is editing, such as a plan under review).
    if (view.lastSeq < viewSeq) return;
    viewSeq = view.lastSeq;
    setLatestSignal(view);
  };
  const [problem, setProblem] = createSignal<string>();

  const [opened] = createResource(projectId, async (id) => {
    const result = await callEngine('openProject', id);
    if (!result.ok) throw new Error(result.message);
    setRole(result.value.role);
    setLatest(result.value.view);
    return result.value.view;
  });

  async function refresh() {
    const result = await callEngine('getProjectView', projectId()).catch((error: unknown) => ({
      ok: false as const,
      message: error instanceof Error ? error.message : String(error),
    }));
    if (result.ok) {
      setLatest(result.value);
      setProblem(undefined);
    } else {
      setProblem(result.message);
    }
  }
  const throttled = makeThrottle(() => void refresh(), refreshEveryMs);
  onCleanup(() => throttled.cancel());

  // Once open, watch the log from its start: what is there, then every new event.
  createEffect(() => {
    if (!opened()) return;
    const id = projectId();
    const stop = watchProject(id, 0, (update) => {
      if (update.kind === 'role') {
        setRole(update.role);
        return;
      }
      // A full disk or a failed take-over is said from the engine's memory, with the view.
      if (update.kind === 'notice') {
        throttled.run();
        return;
      }
      setEvents((current) => {
        current.push(...update.events);
        return current;
      });
      if (update.events.some((event) => event.seq > viewSeq)) throttled.run();
    });
    onCleanup(stop);
  });

  return {
    opened,
    /** The freshest view: the one `openProject` returned, then each refresh. */
    view: () => latest() ?? opened(),
    events,
    role,
    canWrite: () => role() === 'writer',
    /** Why the last refresh failed, if it did. */
    problem,
    refresh: () => throttled.run(),
  };
}

export type RunData = ReturnType<typeof createRunData>;
