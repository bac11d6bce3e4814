/**
 * The family of simulated worlds the router is judged on. Each family is a recipe; a seed
 * draws one world from it (family-world.ts). Knobs are tuned on seeds 1–20 of every
 * family and reported on seeds 1001+, so no figure comes from a world the knobs were
 * chosen on. The families differ in what the issue asks: reward kind, number of models
 * and their price spread, how the world changes, whether context changes the best model,
 * and how heavy-tailed task sizes are.
 */
import type { Preference } from '../../../worker/router/preference.ts';

export type RewardKind = 'bernoulli' | 'fraction';
export type Dynamics = 'stationary' | 'drift' | 'drop' | 'price' | 'outage';

export interface Family {
  name: string;
  reward: RewardKind;
  models: number;
  /** Dearest ÷ cheapest price per token. */
  priceSpread: number;
  dynamics: Dynamics;
  /** How strongly input size, language, retries and task content change each model's quality (0 = not at all). */
  context: number;
  /** Whether task content (tags a caller passes as signals) changes the best model. */
  content: boolean;
  /** Pareto-tailed input sizes (some tasks 30× the median) instead of log-normal ones. */
  heavyTail: boolean;
  preference: Preference;
}

const base: Family = {
  name: '',
  reward: 'fraction',
  models: 9,
  priceSpread: 50,
  dynamics: 'stationary',
  context: 0.3,
  content: false,
  heavyTail: false,
  preference: 'balanced',
};

const family = (name: string, changes: Partial<Family>): Family => ({ ...base, ...changes, name });

export const families: readonly Family[] = [
  family('bern-stationary-5', { reward: 'bernoulli', models: 5, priceSpread: 20 }),
  family('frac-stationary-9', { reward: 'fraction', models: 9, priceSpread: 50 }),
  family('bern-stationary-15', { reward: 'bernoulli', models: 15, priceSpread: 100 }),
  family('frac-3-models-10x', { reward: 'fraction', models: 3, priceSpread: 10 }),
  family('bern-drift', { reward: 'bernoulli', models: 7, priceSpread: 30, dynamics: 'drift' }),
  family('frac-drift-cheapest', { reward: 'fraction', models: 9, dynamics: 'drift', preference: 'cheapest' }),
  family('bern-drop', { reward: 'bernoulli', models: 6, priceSpread: 40, dynamics: 'drop' }),
  family('frac-drop', { reward: 'fraction', models: 9, dynamics: 'drop' }),
  family('bern-price-change', { reward: 'bernoulli', models: 8, priceSpread: 60, dynamics: 'price' }),
  family('frac-outage-best', { reward: 'fraction', models: 9, dynamics: 'outage', preference: 'best quality' }),
  family('bern-context', { reward: 'bernoulli', models: 6, priceSpread: 50, context: 1 }),
  family('frac-context-content', { reward: 'fraction', models: 9, context: 1, content: true }),
  family('frac-heavy-tail', { reward: 'fraction', models: 9, priceSpread: 100, heavyTail: true, context: 0.6 }),
  family('bern-heavy-tail-content', {
    reward: 'bernoulli',
    models: 12,
    priceSpread: 80,
    heavyTail: true,
    context: 0.6,
    content: true,
  }),
];

/** Seeds the knobs may be tuned on, and the held-out seeds every reported figure comes from. */
export const tuningSeeds = (count = 20) => Array.from({ length: count }, (_, i) => i + 1);
export const heldOutSeeds = (count: number) => Array.from({ length: count }, (_, i) => 1001 + i);
