import { expect, test } from 'vitest';
import type { Review } from '../../../worker/agents/index.ts';
import { emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import { remainingFindings, reviewOf, reviewPath } from '../../../worker/orchestrator/task-results.ts';
import { taskRowOf } from './task-row.ts';

const named = {
  severity: 'major',
  file: 'app.py',
  line: 3,
  message: 'Named by the Debugger.',
  suggestion: '',
} as const;
const tested = { severity: 'major', file: 'calc.py', line: 9, message: 'test_add fails.', suggestion: '' } as const;

const reviewTask = taskRowOf({
  taskId: 'review',
  role: 'debugger',
  title: 'Review',
  kind: 'review',
  status: 'done',
  attempt: 1,
});

/** A done review whose raw answer names one finding, and whose report (what its completion wrote) two. */
function reviewedState() {
  const state = emptyProjectState('p');
  const raw: Review = { verdict: 'changes-requested', summary: 'One problem.', findings: [named] };
  const report: Review = { ...raw, findings: [named, tested] };
  const blobs = new Map([
    ['raw-hash', `Here is my review:\n\`\`\`json\n${JSON.stringify(raw)}\n\`\`\``],
    ['report-hash', JSON.stringify(report, null, 2)],
  ]);
  state.tasks.set('review', { ...reviewTask, outputHash: 'raw-hash' });
  const path = reviewPath('review');
  state.artifacts.set(path, {
    projectId: 'p',
    path,
    kind: 'review',
    language: 'json',
    latest: 1,
    contentHash: 'report-hash',
    size: 1,
    updatedAt: 0,
  });
  return { state, readBlob: (hash: string) => Promise.resolve(blobs.get(hash)) };
}

test('a review is read from the report its completion wrote, failing tests included, not from the raw answer', async () => {
  const { state, readBlob } = reviewedState();
  const review = await reviewOf(state, state.tasks.get('review'), readBlob);
  expect(review?.findings).toEqual([named, tested]);
  expect(await remainingFindings(state, readBlob)).toEqual([named, tested]);
});

test('a review with no report has no findings to read: the raw answer is not parsed instead', async () => {
  const { state, readBlob } = reviewedState();
  state.artifacts.delete(reviewPath('review'));
  expect(await reviewOf(state, state.tasks.get('review'), readBlob)).toBeNull();
  expect(await remainingFindings(state, readBlob)).toEqual([]);
});
