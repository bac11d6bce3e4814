/**
 * The performance tracker: per model × task type, how often it succeeds, how good, how
 * dear and how slow it is, where it is heading, and which cheaper model would do as well.
 * A pure fold of `route-observe` records, like the router itself.
 */
import { z } from 'zod';
import type { RouteObservation } from './records.ts';

export interface TrackerOptions {
  /** Outcomes kept per model × task type for the trend (default 40). */
  window?: number;
  /** A quality at or above this counts as a success (default 0.7). */
  successThreshold?: number;
  /** Outcomes kept for the charts (default 2,000). */
  historyLength?: number;
}

export interface PerformanceRow {
  armId: string;
  taskType: string;
  count: number;
  successRate: number;
  meanQuality: number;
  meanCostUsd: number;
  meanLatencyMs: number;
  /** Mean quality of the newer half of the window minus the older half; negative is worse. */
  trend: number;
  /** Outcomes the trend is computed from (the window, up to `window`). */
  trendEvidence: number;
  /**
   * Whether the trend is more than noise: at least 10 outcomes, and the halves differ by
   * more than three standard errors of their difference.
   */
  trendSignificant: boolean;
  /** Mean quality over the last `window` outcomes. */
  recentQuality: number;
}

const cellSchema = z.object({
  count: z.number(),
  successes: z.number(),
  quality: z.number(),
  costUsd: z.number(),
  latencyMs: z.number(),
  recent: z.array(z.number()),
});
type Cell = z.infer<typeof cellSchema>;

const historyEntrySchema = z.object({
  armId: z.string(),
  taskType: z.string(),
  quality: z.number(),
  costUsd: z.number(),
});
/** One outcome as the charts draw it, in the order outcomes came. */
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const trackerSnapshotSchema = z.object({
  version: z.literal(1),
  window: z.number().int().positive(),
  successThreshold: z.number(),
  cells: z.record(z.string(), z.record(z.string(), cellSchema)),
  /** The last outcomes, oldest first (older snapshots have none). */
  history: z.array(historyEntrySchema).default([]),
});
export type TrackerSnapshot = z.infer<typeof trackerSnapshotSchema>;

export interface PerformanceTracker {
  /** Folds one outcome in. */
  apply(record: RouteObservation): void;
  rows(): PerformanceRow[];
  row(armId: string, taskType: string): PerformanceRow | undefined;
  /** Sentences a person can act on: cheaper equals, and models getting worse. */
  opportunities(minimumOutcomes?: number): string[];
  /** The last `historyLength` outcomes (default 2,000), oldest first: what the charts draw. */
  history(): HistoryEntry[];
  toJSON(): TrackerSnapshot;
}

/** Creates an empty tracker, or one restored from `toJSON()`. */
export function createPerformanceTracker(
  options: TrackerOptions = {},
  snapshot?: z.input<typeof trackerSnapshotSchema>,
): PerformanceTracker {
  const parsed = snapshot ? trackerSnapshotSchema.parse(snapshot) : undefined;
  const window = parsed?.window ?? options.window ?? 40;
  const successThreshold = parsed?.successThreshold ?? options.successThreshold ?? 0.7;
  // taskType -> armId -> cell
  const cells = new Map<string, Map<string, Cell>>();
  const historyLength = options.historyLength ?? 2000;
  // A ring: `history[(start + i) % length]` is the i-th oldest kept outcome.
  const history: HistoryEntry[] = parsed ? parsed.history.slice(-historyLength).map((entry) => ({ ...entry })) : [];
  let start = 0;
  if (parsed) {
    for (const [taskType, byArm] of Object.entries(parsed.cells)) {
      cells.set(
        taskType,
        new Map(Object.entries(byArm).map(([armId, cell]) => [armId, { ...cell, recent: [...cell.recent] }])),
      );
    }
  }

  function apply(record: RouteObservation): void {
    let byArm = cells.get(record.taskType);
    if (!byArm) {
      byArm = new Map();
      cells.set(record.taskType, byArm);
    }
    let cell = byArm.get(record.armId);
    if (!cell) {
      cell = { count: 0, successes: 0, quality: 0, costUsd: 0, latencyMs: 0, recent: [] };
      byArm.set(record.armId, cell);
    }
    const { quality, costUsd, latencyMs } = record.outcome;
    cell.count += 1;
    if (quality >= successThreshold) cell.successes += 1;
    cell.quality += quality;
    cell.costUsd += costUsd;
    cell.latencyMs += latencyMs;
    cell.recent.push(quality);
    if (cell.recent.length > window) cell.recent.shift();
    const entry = { armId: record.armId, taskType: record.taskType, quality, costUsd };
    if (history.length < historyLength) history.push(entry);
    else {
      history[start] = entry;
      start = (start + 1) % historyLength;
    }
  }

  const orderedHistory = (): HistoryEntry[] =>
    [...history.slice(start), ...history.slice(0, start)].map((entry) => ({ ...entry }));

  function toRow(taskType: string, armId: string, cell: Cell): PerformanceRow {
    const half = Math.floor(cell.recent.length / 2);
    const older = cell.recent.slice(0, half);
    const newer = cell.recent.slice(half);
    const average = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
    const variance = (values: number[]) => {
      const m = average(values);
      return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / Math.max(1, values.length - 1);
    };
    const trend = half > 0 ? average(newer) - average(older) : 0;
    // Scores that never vary still get a little noise, so two equal halves are never "significant".
    const error =
      half > 0
        ? Math.sqrt(Math.max(variance(older), 0.0025) / older.length + Math.max(variance(newer), 0.0025) / newer.length)
        : Number.POSITIVE_INFINITY;
    return {
      armId,
      taskType,
      count: cell.count,
      successRate: cell.successes / cell.count,
      meanQuality: cell.quality / cell.count,
      meanCostUsd: cell.costUsd / cell.count,
      meanLatencyMs: cell.latencyMs / cell.count,
      trend,
      trendEvidence: cell.recent.length,
      trendSignificant: cell.recent.length >= minimumTrendOutcomes && Math.abs(trend) > 3 * error,
      recentQuality: average(cell.recent),
    };
  }

  function rows(): PerformanceRow[] {
    const all: PerformanceRow[] = [];
    for (const [taskType, byArm] of cells) for (const [armId, cell] of byArm) all.push(toRow(taskType, armId, cell));
    return all.sort((x, y) => compare(x.taskType, y.taskType) || y.meanQuality - x.meanQuality);
  }

  /**
   * For each task type, the reference is where the money goes among the models close to
   * the best quality (within 0.05): the one with the largest total spend. A model within
   * 0.03 of the reference's quality at half its cost or less "matches it at 1/N the cost",
   * stated with the outcomes behind both means. A model whose recent quality fell by 0.1
   * or more, by more than noise (see `trendSignificant`), is flagged as getting worse.
   */
  function opportunities(minimumOutcomes = 5): string[] {
    const sentences: string[] = [];
    const byType = new Map<string, PerformanceRow[]>();
    for (const row of rows()) {
      if (row.count < minimumOutcomes) continue;
      const list = byType.get(row.taskType) ?? [];
      list.push(row);
      byType.set(row.taskType, list);
    }
    for (const [taskType, list] of byType) {
      const best = list[0];
      if (!best) continue;
      let reference = best;
      for (const row of list)
        if (
          row.meanQuality >= best.meanQuality - 0.05 &&
          row.count * row.meanCostUsd > reference.count * reference.meanCostUsd
        )
          reference = row;
      const matches = list
        .filter((row) => row !== reference && row.meanQuality >= reference.meanQuality - 0.03)
        .filter((row) => row.meanCostUsd > 0 && row.meanCostUsd <= reference.meanCostUsd / 2)
        .sort((x, y) => x.meanCostUsd - y.meanCostUsd);
      const cheapest = matches[0];
      if (cheapest) {
        const ratio = Math.round(reference.meanCostUsd / cheapest.meanCostUsd);
        sentences.push(
          `${cheapest.armId} matches ${reference.armId} on ${taskType} at 1/${ratio} the cost over ${cheapest.count + reference.count} tasks (quality ${cheapest.meanQuality.toFixed(2)} over ${cheapest.count} vs ${reference.meanQuality.toFixed(2)} over ${reference.count}, $${cheapest.meanCostUsd.toPrecision(2)} vs $${reference.meanCostUsd.toPrecision(2)} per task).`,
        );
      }
      for (const row of list) {
        if (row.trend <= -0.1 && row.trendSignificant) {
          sentences.push(
            `${row.armId} is getting worse on ${taskType}: quality ${row.trend.toFixed(2)} over its last ${row.trendEvidence} outcomes (now ${row.recentQuality.toFixed(2)}).`,
          );
        }
      }
    }
    return sentences;
  }

  return {
    apply,
    rows,
    row: (armId, taskType) => {
      const cell = cells.get(taskType)?.get(armId);
      return cell ? toRow(taskType, armId, cell) : undefined;
    },
    opportunities,
    history: orderedHistory,
    toJSON: () => ({
      version: 1,
      window,
      successThreshold,
      history: orderedHistory(),
      cells: Object.fromEntries(
        [...cells.entries()]
          .sort(([x], [y]) => compare(x, y))
          .map(([taskType, byArm]) => [
            taskType,
            Object.fromEntries(
              [...byArm.entries()]
                .sort(([x], [y]) => compare(x, y))
                .map(([armId, cell]) => [armId, { ...cell, recent: [...cell.recent] }]),
            ),
          ]),
      ),
    }),
  };
}

const minimumTrendOutcomes = 10;

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
