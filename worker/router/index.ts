/**
 * The model router: which model does each task, learned from outcomes. Pure code, no
 * I/O; every decision and outcome is a record the event store can keep and replay.
 */
export { createRouter, restoreRouter } from './router.ts';
export type { RouteContext, Router, RouterOptions } from './router.ts';
export { capabilitiesSchema, defaultCatalog, listCostUsd, modelArmSchema, normalizeArm } from './catalog.ts';
export type { Capabilities, ModelArm } from './catalog.ts';
export { parsePreference, preferences, weightsFor } from './preference.ts';
export type { Preference, UtilityWeights } from './preference.ts';
export * from './records.ts';
export { routerSnapshotSchema } from './snapshot.ts';
export type { RouterSnapshot } from './snapshot.ts';
export { defaultTuning } from './tuning.ts';
export type { RouterTuning } from './tuning.ts';
export { mulberry32 } from './sampler.ts';
export { bucketOf } from './features.ts';
export { taskSignals } from './signals.ts';
export type { TaskContent } from './signals.ts';
export { createPerformanceTracker, trackerSnapshotSchema } from './tracker.ts';
export type { PerformanceRow, PerformanceTracker, TrackerOptions, TrackerSnapshot } from './tracker.ts';
