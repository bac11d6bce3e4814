/**
 * The router's learned state: the cells every decision, outcome and snapshot is made of,
 * keyed by task type, context feature and arm id. This is the truth; the typed-array
 * copies decisions read (views.ts, reads.ts) are derived from it.
 */
import { type ModelArm, normalizeArm } from './catalog.ts';
import type { ArmCell, BucketCell, FeatureCell, TypeCell } from './posterior.ts';

export interface RouterState {
  arms: ModelArm[];
  armIndex: Map<string, number>;
  ticks: Map<string, number>;
  types: Map<string, Map<string, TypeCell>>;
  /** Kept from older logs and snapshots (context buckets, no longer learned or read). */
  buckets: Map<string, Map<string, Map<string, BucketCell>>>;
  features: Map<string, Map<string, Map<string, FeatureCell>>>;
  /** Per context feature and arm, its effect across all task types (tick: outcomes of any type). */
  shared: Map<string, Map<string, FeatureCell>>;
  /** Outcomes of every task type: the sum of `ticks`, the clock of the shared effects. */
  outcomes: number;
  global: Map<string, ArmCell>;
  inflight: Map<string, number>;
  decisions: number;
  /** Running average of the cheapest candidate's list cost: the size of a typical task. */
  taskScale: number;
}

export function emptyState(): RouterState {
  return {
    arms: [],
    armIndex: new Map(),
    ticks: new Map(),
    types: new Map(),
    buckets: new Map(),
    features: new Map(),
    shared: new Map(),
    outcomes: 0,
    global: new Map(),
    inflight: new Map(),
    decisions: 0,
    taskScale: 0,
  };
}

/** Adds an arm to the catalog, or replaces the one with its id in place (its index is kept). */
export function upsertArm(state: RouterState, entry: ModelArm): void {
  const arm = normalizeArm(entry);
  const index = state.armIndex.get(arm.id);
  if (index === undefined) {
    state.armIndex.set(arm.id, state.arms.length);
    state.arms.push(arm);
  } else state.arms[index] = arm;
}

/** The entry of `key`, made by `make` and stored first if there is none. */
export function getOrCreate<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
