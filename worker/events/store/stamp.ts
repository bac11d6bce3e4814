import type { EventDraft, OrchestraEvent } from '../catalog.ts';
import { currentVersions } from '../catalog.ts';
import { type ProjectState, Changes } from '../projections/project-state.ts';
import { reduce } from '../projections/reduce.ts';

/**
 * Gives one append's drafts their envelopes (ids, the sequence numbers after `state`'s,
 * its time, one correlation id unless a draft names its own) and folds them into
 * `state`. The payloads are the drafts' as their schemas parsed them. Every store stamps
 * its appends here, so an event looks the same whichever store wrote it.
 */
export function stampAndFold(
  state: ProjectState,
  drafts: readonly EventDraft[],
  payloads: readonly unknown[],
  at: number,
  nextId: () => string,
  changes = new Changes(),
): OrchestraEvent[] {
  const correlation = nextId();
  return drafts.map((draft, index) => {
    const event = {
      id: nextId(),
      projectId: state.projectId,
      seq: state.lastSeq + 1,
      type: draft.type,
      v: currentVersions[draft.type],
      at,
      actor: draft.actor,
      correlationId: draft.correlationId ?? correlation,
      causationId: draft.causationId ?? null,
      payload: payloads[index],
    } as OrchestraEvent;
    reduce(state, event, changes);
    return event;
  });
}
