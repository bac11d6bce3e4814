import type { Handlers } from './handler.ts';
import { projectRow } from './reduce-project.ts';

/** How many failing cases the project row keeps for the Debugger and the closing sentence. */
const keptFailures = 20;

export const checkHandlers: Handlers<'check-run-start' | 'check-result'> = {
  'check-run-start': (state, event, changes) => {
    projectRow(state, event.at, changes).checkRunning = { runId: event.payload.runId, startedAt: event.at };
  },
  'check-result': (state, event, changes) => {
    const project = projectRow(state, event.at, changes);
    const { payload } = event;
    if (project.checkRunning?.runId === payload.runId) project.checkRunning = null;
    project.lastCheck = {
      runId: payload.runId,
      runtime: payload.runtime,
      outcome: payload.outcome,
      reason: payload.reason ?? null,
      counts: { ...payload.counts },
      atSeq: payload.atSeq,
      at: event.at,
      // A file that could not load fails as a whole; then the failing cases.
      failures: [
        ...payload.files
          .filter((one) => one.status === 'error')
          .map((one) => ({ ...one, name: ['(the file did not load)'] })),
        ...payload.cases.filter((one) => one.status === 'fail' || one.status === 'error'),
      ]
        .slice(0, keptFailures)
        .map((one) => ({
          file: one.file,
          name: [...one.name],
          message: one.message ?? null,
          location: one.location ? { path: one.location.path, line: one.location.line } : null,
        })),
    };
  },
};
