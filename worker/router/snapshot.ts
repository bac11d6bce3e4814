import { z } from 'zod';
import { modelArmSchema } from './catalog.ts';
import { preferenceSchema } from './records.ts';

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
