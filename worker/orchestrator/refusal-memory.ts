import type { OrchestraEvent } from '../events/catalog.ts';

/** A task the providers declined: the models that declined it, and the last sentence said. */
export interface TaskRefusal {
  arms: Set<string>;
  message: string;
}

const noOtherModel = ' No other model can take this task.';

/**
 * The refusals a runner keeps in memory, rebuilt from the log after a reload: for each
 * task, the arms its refused attempts were reserved on (the last `cost-reserve` of the
 * task before each `task-fail` of kind `refused`) and the provider's last sentence. A
 * retry the person asked for (a `task-retry` by the user) forgets them, as the runner
 * does, so that every model may try the task again.
 *
 * @example refusalsFromLog(await store.read(projectId)).get('ui')?.arms // Set { 'gpt-5-mini' }
 */
export function refusalsFromLog(events: Iterable<OrchestraEvent>): Map<string, TaskRefusal> {
  const lastArm = new Map<string, string>();
  const refusals = new Map<string, TaskRefusal>();
  for (const event of events) {
    if (event.type === 'cost-reserve' && event.payload.taskId !== undefined) {
      lastArm.set(event.payload.taskId, event.payload.armId);
    } else if (event.type === 'task-fail' && event.payload.kind === 'refused') {
      const { taskId } = event.payload;
      const message = event.payload.message.endsWith(noOtherModel)
        ? event.payload.message.slice(0, -noOtherModel.length)
        : event.payload.message;
      const refusal = refusals.get(taskId) ?? { arms: new Set<string>(), message };
      refusal.message = message;
      const arm = lastArm.get(taskId);
      if (arm !== undefined) refusal.arms.add(arm);
      refusals.set(taskId, refusal);
    } else if (event.type === 'task-retry' && event.actor.kind === 'user') {
      refusals.delete(event.payload.taskId);
    }
  }
  return refusals;
}
