import { expect, test } from 'vitest';
import { parsePayload } from '../../../worker/events/validate.ts';

const taskId = '01HZY3W4D9Q8Y6X7V5T3S1R0PA';

test('a task handed over more than 100 times can still be interrupted and start its next attempt', () => {
  // Each take-over of a running task writes its interrupt and starts the next attempt:
  // after 100 hand-overs the plan task of issue 19's e2e starts attempt 101.
  for (const attempt of [100, 101, 1_000]) {
    expect(
      parsePayload('task-interrupt', { taskId, attempt, reason: 'The tab running it was closed or reloaded.' }),
    ).toEqual({ taskId, attempt, reason: 'The tab running it was closed or reloaded.' });
    expect(parsePayload('task-start', { taskId, attempt, provider: 'openai', model: 'gpt-x' })).toMatchObject({
      attempt,
    });
  }
  // Nonsense is still refused.
  expect(() => parsePayload('task-start', { taskId, attempt: 0, provider: 'openai', model: 'gpt-x' })).toThrow(
    /attempt/,
  );
  expect(() => parsePayload('task-start', { taskId, attempt: 1.5, provider: 'openai', model: 'gpt-x' })).toThrow(
    /attempt/,
  );
});
