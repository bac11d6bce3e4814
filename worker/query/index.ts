/**
 * The read-only query module: the one part of worker/ that web/ may import values
 * from. Pure functions over the engine's data types; no storage, no side effects.
 */
export { type EventContext, describeActor, describeEvent, modelName, taskTitles } from './describe-event.ts';
export { type SideBySideRow, sideBySide } from './side-by-side.ts';
export { languageOf } from '../artifacts/language.ts';
export { roleTitles } from '../agents/role-titles.ts';
export { planLimitProblem } from './plan-limit.ts';
export {
  type RunControl,
  type RunControls,
  type RunOutcome,
  type RunState,
  blockedSentence,
  runControls,
  runState,
} from '../run-state/run-state.ts';
export { type RunBadge, rowBadge, runBadge, runSentence } from '../run-state/run-words.ts';
export { type StartSource, startSource, waitingSentence } from '../run-state/start-source.ts';
export { type TaskControls, taskControls } from '../run-state/task-controls.ts';
