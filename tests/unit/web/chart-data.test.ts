import { expect, test } from 'vitest';
import { describeSpend, qualityGrid, spendOverTime } from '../../../web/views/router/chart-data.ts';

const history = [
  { armId: 'gpt-5', taskType: 'backend-code', quality: 1, costUsd: 0.02 },
  { armId: 'gpt-5-nano', taskType: 'backend-code', quality: 0.9, costUsd: 0.001 },
  { armId: 'gpt-5', taskType: 'review', quality: 0.5, costUsd: 0.03 },
  { armId: 'gpt-5-nano', taskType: 'backend-code', quality: 0.7, costUsd: 0.001 },
];

test('spend over time is a running total per model, most spent first, one point per outcome', () => {
  const series = spendOverTime(history, 'armId');
  expect(series.x).toEqual([1, 2, 3, 4]);
  expect(series.lines.map((line) => line.label)).toEqual(['gpt-5', 'gpt-5-nano']);
  expect(series.lines[0]?.values).toEqual([0.02, 0.02, 0.05, 0.05]);
  expect(series.lines[1]?.values).toEqual([0, 0.001, 0.001, 0.002]);
  expect(spendOverTime(history, 'taskType').lines.map((line) => line.label)).toEqual(['review', 'backend-code']);
  expect(describeSpend(series, 'model')).toBe(
    'Spend over the last 4 outcomes by model: gpt-5 $0.0500, gpt-5-nano $0.0020.',
  );
  expect(describeSpend(spendOverTime([], 'armId'), 'model')).toBe('No spend yet by model.');
});

test('quality per model × kind of task: means where the model did some, nothing where it did none', () => {
  const grid = qualityGrid(history);
  expect(grid.taskTypes).toEqual(['backend-code', 'review']);
  expect(grid.models).toEqual([
    { label: 'gpt-5', quality: [1, 0.5], counts: [1, 1] },
    { label: 'gpt-5-nano', quality: [0.8, null], counts: [2, 0] },
  ]);
});
