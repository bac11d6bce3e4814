import { createEffect, createSignal, onCleanup } from 'solid-js';
import type { OrchestraEvent, WriterRole } from '../../worker/api.ts';
import { callEngine, watchProject } from '../worker-client.ts';

/**
 * A project's test-run events (`check-run-start`, `check-result`), live, and this tab's
 * role, for views that do not keep the whole log (Artifacts, Replay).
 */
export function createCheckEvents(projectId: () => string | undefined) {
  const [events, setEvents] = createSignal<OrchestraEvent[]>([]);
  const [role, setRole] = createSignal<WriterRole>();
  createEffect(() => {
    const id = projectId();
    setEvents([]);
    if (!id) return;
    // Opening the project tells this tab whether it writes it (only the writer runs tests).
    void callEngine('openProject', id)
      .then((opened) => opened.ok && setRole(opened.value.role))
      .catch(() => undefined);
    const stop = watchProject(id, 0, (update) => {
      if (update.kind === 'role') {
        setRole(update.role);
        return;
      }
      if (update.kind !== 'events') return;
      const checks = update.events.filter((event) => event.type === 'check-run-start' || event.type === 'check-result');
      if (checks.length > 0) setEvents((current) => [...current, ...checks]);
    });
    onCleanup(stop);
  });
  return { events, role };
}
