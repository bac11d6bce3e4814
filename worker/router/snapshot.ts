/**
 * The router's snapshot: the schema of `router.toJSON()` (older snapshots parse, with
 * defaults for what they lack) and the conversions between it and the router's state.
 */
import { z } from 'zod';
import { modelArmSchema } from './catalog.ts';
import type { Preference } from './preference.ts';
import { preferenceSchema } from './records.ts';
import { type RouterState, emptyState, upsertArm } from './state.ts';
import type { RouterTuning } from './tuning.ts';

const typeCellSchema = z.object({
  a: z.number(),
  b: z.number(),
  n: z.number(),
  sum: z.number(),
  sumSq: z.number(),
  tick: z.number(),
  epoch: z.number(),
  cusum: z.number(),
  runN: z.number(),
  runSum: z.number(),
  alarms: z.number(),
  costN: z.number(),
  costLog: z.number(),
  latencyN: z.number(),
  latencyLog: z.number(),
  // Older snapshots have none: their effects are read uncentred until they learn more.
  effectSum: z.number().default(0),
});

const bucketCellSchema = z.object({ a: z.number(), b: z.number(), n: z.number(), tick: z.number(), epoch: z.number() });

const featureCellSchema = z.object({ n: z.number(), sum: z.number(), tick: z.number(), epoch: z.number() });

const tuningSchema = z.object({
  memory: z.number().positive(),
  priorStrength: z.number().positive(),
  backoffStrength: z.number().nonnegative(),
  contextShrink: z.number().nonnegative().default(8),
  // Older snapshots have none: they get the defaults.
  sharedContextShrink: z.number().nonnegative().default(40),
  sharedMemory: z.number().positive().default(1500),
  maxObservationWeight: z.number().min(1),
  changeShift: z.number().nonnegative(),
  changeThreshold: z.number().positive(),
  // Older snapshots have none: they get the default.
  changeSuspicion: z.number().nonnegative().default(9.2),
  // Older snapshots have none: they get the default.
  changeMinEvidence: z.number().nonnegative().default(8),
  // Older snapshots have none: they get the default.
  modelChangeDetection: z.boolean().default(true),
  balancePenalty: z.number().nonnegative(),
  pacePenalty: z.number().nonnegative(),
  explorationScale: z.number().positive(),
  explorationHalfEvidence: z.number().nonnegative(),
  // Older snapshots have none: they get the default.
  sizeExploration: z.number().nonnegative().default(0.5),
  // Older snapshots have none: they get the defaults.
  typeSpreadPrior: z.number().positive().default(0.1),
  typeSpreadCells: z.number().nonnegative().default(4),
  // Older snapshots have none: they get the default.
  ladderMaxStrength: z.number().nonnegative().default(60),
  forgetting: z.boolean(),
});

/** The router's whole state as plain JSON (`router.toJSON()`), keys sorted. */
export const routerSnapshotSchema = z.object({
  version: z.literal(1),
  preference: preferenceSchema,
  tuning: tuningSchema,
  arms: z.array(modelArmSchema),
  ticks: z.record(z.string(), z.number()),
  types: z.record(z.string(), z.record(z.string(), typeCellSchema)),
  buckets: z.record(z.string(), z.record(z.string(), z.record(z.string(), bucketCellSchema))),
  /** Per task type, context feature and arm: the feature's effect (older snapshots have none). */
  features: z.record(z.string(), z.record(z.string(), z.record(z.string(), featureCellSchema))).default({}),
  /** Per context feature and arm: its effect across task types (older snapshots have none). */
  sharedFeatures: z.record(z.string(), z.record(z.string(), featureCellSchema)).default({}),
  global: z.record(
    z.string(),
    z.object({
      n: z.number(),
      sum: z.number(),
      // Older snapshots have none: the model-level detector starts from nothing.
      cusum: z.number().optional(),
      runN: z.number().optional(),
      runShift: z.number().optional(),
      alarms: z.number().optional(),
    }),
  ),
  inflight: z.record(z.string(), z.number()),
  decisions: z.number().int().nonnegative(),
  taskScale: z.number().nonnegative(),
});
export type RouterSnapshot = z.infer<typeof routerSnapshotSchema>;

const sortedEntries = <V>(map: ReadonlyMap<string, V>): [string, V][] =>
  [...map.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

/** The state as plain JSON, keys sorted, cells copied; arms with nothing in flight left out of `inflight`. */
export function toSnapshot(state: RouterState, preference: Preference, tuning: RouterTuning): RouterSnapshot {
  const object = <V, W>(map: ReadonlyMap<string, V>, f: (value: V) => W): Record<string, W> =>
    Object.fromEntries(sortedEntries(map).map(([key, value]) => [key, f(value)]));
  return {
    version: 1,
    preference,
    tuning: { ...tuning },
    arms: state.arms.map((arm) => ({ ...arm })),
    ticks: object(state.ticks, (tick) => tick),
    types: object(state.types, (cells) => object(cells, (cell) => ({ ...cell }))),
    buckets: object(state.buckets, (byBucket) => object(byBucket, (cells) => object(cells, (cell) => ({ ...cell })))),
    features: object(state.features, (byKey) => object(byKey, (cells) => object(cells, (cell) => ({ ...cell })))),
    sharedFeatures: object(state.shared, (cells) => object(cells, (cell) => ({ ...cell }))),
    global: object(state.global, (cell) => ({ ...cell })),
    inflight: object(new Map([...state.inflight].filter(([, count]) => count > 0)), (count) => count),
    decisions: state.decisions,
    taskScale: state.taskScale,
  };
}

/** The state a parsed snapshot describes; `outcomes` is recounted from the ticks. */
export function fromSnapshot(snapshot: RouterSnapshot): RouterState {
  const map = <V, W>(record: Record<string, V>, f: (value: V) => W): Map<string, W> =>
    new Map(Object.entries(record).map(([key, value]) => [key, f(value)]));
  const state = emptyState();
  for (const arm of snapshot.arms) upsertArm(state, arm);
  state.ticks = map(snapshot.ticks, (tick) => tick);
  state.types = map(snapshot.types, (cells) => map(cells, (cell) => ({ ...cell })));
  state.buckets = map(snapshot.buckets, (byBucket) => map(byBucket, (cells) => map(cells, (cell) => ({ ...cell }))));
  state.features = map(snapshot.features, (byKey) => map(byKey, (cells) => map(cells, (cell) => ({ ...cell }))));
  state.shared = map(snapshot.sharedFeatures, (cells) => map(cells, (cell) => ({ ...cell })));
  for (const tick of state.ticks.values()) state.outcomes += tick;
  state.global = map(snapshot.global, (cell) => ({ ...cell }));
  state.inflight = map(snapshot.inflight, (count) => count);
  state.decisions = snapshot.decisions;
  state.taskScale = snapshot.taskScale;
  return state;
}
