/**
 * What the Router & costs charts draw, from the tracker's history of outcomes (oldest
 * first): spend over time per model and per kind of task, and mean quality per model on
 * each kind of task. Pure functions, so the numbers a chart shows are tested apart from
 * the drawing.
 */
import type { RouterReport } from '../../../worker/api.ts';

type HistoryEntry = RouterReport['history'][number];

export interface LineSeries {
  /** The outcome number (1…N) of each point. */
  x: number[];
  /** One series per model or kind of task: its name and its running total in USD at each outcome. */
  lines: { label: string; values: number[] }[];
}

/** Running spend per `key` (model or kind of task) after each outcome, most spent first. */
export function spendOverTime(history: readonly HistoryEntry[], key: 'armId' | 'taskType'): LineSeries {
  const totals = new Map<string, number>();
  for (const entry of history) totals.set(entry[key], (totals.get(entry[key]) ?? 0) + entry.costUsd);
  const labels = [...totals.keys()].sort((x, y) => (totals.get(y) ?? 0) - (totals.get(x) ?? 0) || x.localeCompare(y));
  const running = new Map(labels.map((label) => [label, 0]));
  const lines = labels.map((label) => ({ label, values: [] as number[] }));
  const x: number[] = [];
  history.forEach((entry, i) => {
    running.set(entry[key], (running.get(entry[key]) ?? 0) + entry.costUsd);
    x.push(i + 1);
    for (const line of lines) line.values.push(running.get(line.label) ?? 0);
  });
  return { x, lines };
}

export interface QualityGrid {
  /** Kinds of task, in name order: the x positions 0…n − 1. */
  taskTypes: string[];
  /** One series per model: its mean quality on each kind of task (null where it did none), and how many outcomes. */
  models: { label: string; quality: (number | null)[]; counts: number[] }[];
}

/** Mean quality per model × kind of task over the history. */
export function qualityGrid(history: readonly HistoryEntry[]): QualityGrid {
  const taskTypes = [...new Set(history.map((entry) => entry.taskType))].sort((x, y) => x.localeCompare(y));
  const labels = [...new Set(history.map((entry) => entry.armId))].sort((x, y) => x.localeCompare(y));
  const column = new Map(taskTypes.map((type, i) => [type, i]));
  const models = labels.map((label) => ({
    label,
    sums: taskTypes.map(() => 0),
    counts: taskTypes.map(() => 0),
  }));
  const row = new Map(models.map((model) => [model.label, model]));
  for (const entry of history) {
    const model = row.get(entry.armId);
    const i = column.get(entry.taskType);
    if (model === undefined || i === undefined) continue;
    model.sums[i] = (model.sums[i] ?? 0) + entry.quality;
    model.counts[i] = (model.counts[i] ?? 0) + 1;
  }
  return {
    taskTypes,
    models: models.map(({ label, sums, counts }) => ({
      label,
      quality: sums.map((sum, i) => ((counts[i] ?? 0) > 0 ? sum / (counts[i] as number) : null)),
      counts,
    })),
  };
}

/** A sentence saying what a spend chart shows, for people who do not see it. */
export function describeSpend(series: LineSeries, what: string): string {
  if (series.x.length === 0) return `No spend yet by ${what}.`;
  const parts = series.lines.map((line) => `${line.label} $${(line.values.at(-1) ?? 0).toFixed(4)}`);
  return `Spend over the last ${series.x.length} outcomes by ${what}: ${parts.join(', ')}.`;
}
