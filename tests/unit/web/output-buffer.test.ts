import { expect, test } from 'vitest';
import type { OutputUpdate } from '../../../worker/api.ts';
import { applyOutput, outputLimit } from '../../../web/views/run/output-buffer.ts';

const update = (text: string, patch: Partial<OutputUpdate> = {}): OutputUpdate => ({
  taskId: 't1',
  attempt: 1,
  role: 'code-generator',
  provider: 'template',
  model: 'template',
  text,
  reset: false,
  ...patch,
});

test('deltas append per task; a reset or a new attempt starts the text again', () => {
  let state = applyOutput(new Map(), [update('Hel'), update('lo'), update('Other', { taskId: 't2' })]);
  expect(state.get('t1')?.text).toBe('Hello');
  expect(state.get('t2')?.text).toBe('Other');
  state = applyOutput(state, [update('Again', { reset: true })]);
  expect(state.get('t1')?.text).toBe('Again');
  state = applyOutput(state, [update('Second', { attempt: 2 })]);
  expect(state.get('t1')).toMatchObject({ text: 'Second', attempt: 2 });
});

test('the map given is left as it was, and very long answers keep their end', () => {
  const before = applyOutput(new Map(), [update('a')]);
  const after = applyOutput(before, [update('x'.repeat(outputLimit))]);
  expect(before.get('t1')?.text).toBe('a');
  expect(after.get('t1')?.text.length).toBe(outputLimit);
});
