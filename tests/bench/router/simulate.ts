/** The benchmark's scenarios: each runs one policy through one seeded world. */
import { createCostGovernor } from '../../../worker/budget/governor.ts';
import type { Preference } from '../../../worker/router/preference.ts';
import { type Policy, utilities } from './policies.ts';
import { type Task, type World, makeWorld, type WorldOptions } from './world.ts';

export const tasksPerRun = 1000;

export interface RunFigures {
  /** Σ (oracle's expected utility − the chosen model's), over every task. */
  regret: number;
  utilitySecondHalf: number;
  oracleUtilitySecondHalf: number;
  /** Mean expected quality of the chosen models. */
  meanQuality: number;
  /** What was billed. */
  costUsd: number;
  choices: string[];
  tasks: Task[];
}

/** The tasks of a seed, generated once, and facts about them that need hindsight. */
export function preview(seed: number, preference: Preference, options: WorldOptions = {}) {
  const world = makeWorld(seed, options);
  const tasks = Array.from({ length: tasksPerRun }, () => world.next());
  const qualityByArm = new Map<string, number>();
  const oracleCounts = new Map<string, number>();
  let oracleCostUsd = 0;
  tasks.forEach((task, index) => {
    const { ids, values } = utilities(world, task, preference);
    let best = 0;
    ids.forEach((id, i) => {
      qualityByArm.set(id, (qualityByArm.get(id) ?? 0) + world.truth(id, task).quality);
      if ((values[i] as number) > (values[best] as number)) best = i;
    });
    oracleCostUsd += world.truth(ids[best] as string, task).costUsd;
    if (index < tasksPerRun / 2) {
      const key = `${ids[best]}|${task.taskType}`;
      oracleCounts.set(key, (oracleCounts.get(key) ?? 0) + 1);
    }
  });
  const bestSingle = [...qualityByArm.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] as string;
  const [degradedKey] = [...oracleCounts.entries()].sort((x, y) => y[1] - x[1])[0] as [string, number];
  const [degradedArm, degradedType] = degradedKey.split('|') as [string, string];
  return { bestSingle, degradedArm, degradedType, oracleCostUsd };
}

export interface StationaryOptions {
  preference: Preference;
  /** At this task, `degrade.armId` loses `degrade.drop` quality. */
  degrade?: { at: number; armId: string; drop: number };
  world?: WorldOptions;
}

export function runStationary(
  seed: number,
  makePolicy: (world: World) => Policy,
  options: StationaryOptions,
): RunFigures {
  const world = makeWorld(seed, options.world);
  const policy = makePolicy(world);
  const figures: RunFigures = {
    regret: 0,
    utilitySecondHalf: 0,
    oracleUtilitySecondHalf: 0,
    meanQuality: 0,
    costUsd: 0,
    choices: [],
    tasks: [],
  };
  for (let t = 0; t < tasksPerRun; t++) {
    if (options.degrade && t === options.degrade.at) world.degrade(options.degrade.armId, options.degrade.drop);
    const task = world.next();
    const armId = policy.choose(task, Number.POSITIVE_INFINITY);
    const { ids, values } = utilities(world, task, options.preference);
    const oracle = Math.max(...values);
    const chosen = values[ids.indexOf(armId)] as number;
    figures.regret += oracle - chosen;
    if (t >= tasksPerRun / 2) {
      figures.utilitySecondHalf += chosen;
      figures.oracleUtilitySecondHalf += oracle;
    }
    figures.meanQuality += world.truth(armId, task).quality / tasksPerRun;
    const outcome = world.run(armId, task);
    figures.costUsd += outcome.costUsd;
    policy.observe(armId, task, outcome);
    figures.choices.push(armId);
    figures.tasks.push(task);
  }
  return figures;
}

/**
 * Tasks of the degraded model's type, counted from the drop, until its share of the next
 * `window` such tasks falls to at most 10%.
 */
export function tasksUntilAbandoned(
  figures: RunFigures,
  at: number,
  armId: string,
  taskType: string,
  window = 20,
): number {
  const after: boolean[] = [];
  for (let t = at; t < figures.tasks.length; t++) {
    if (figures.tasks[t]?.taskType === taskType) after.push(figures.choices[t] === armId);
  }
  for (let k = 0; k < after.length; k++) {
    const slice = after.slice(k, k + window);
    if (slice.filter(Boolean).length <= 0.1 * slice.length) return k;
  }
  return after.length;
}

export interface BudgetFigures {
  budgetUsd: number;
  spentUsd: number;
  overrun: boolean;
  tasksDone: number;
}

/**
 * A project with a binding budget: the governor reserves every call's worst case, paces
 * the router, and a price shock hits one vendor mid-run. A refused call is retried on
 * another model; when none fits, the run stops at "budget reached".
 */
export function runWithBudget(
  seed: number,
  makePolicy: (world: World) => Policy,
  budgetUsd: number,
  usePacing: boolean,
): BudgetFigures {
  const world = makeWorld(seed);
  const policy = makePolicy(world);
  const governor = createCostGovernor({ budgetUsd });
  const shockedVendor = ['anthropic', 'openai', 'google'][seed % 3] as string;
  let tasksDone = 0;
  for (let t = 0; t < tasksPerRun; t++) {
    if (t === tasksPerRun * 0.3) for (const arm of world.shockPrices(shockedVendor, 2.5)) policy.setArm(arm);
    const task = world.next();
    const excluded = new Set<string>();
    let done = false;
    while (!done && excluded.size < world.arms.length) {
      const status = governor.status();
      const allowance = usePacing ? governor.allowance(tasksPerRun - t) : undefined;
      const armId = policy.choose(task, status.availableUsd, allowance, excluded);
      const arm = world.arms.find((a) => a.id === armId);
      if (!arm) throw new Error(`unknown arm ${armId}`);
      const maxOutputTokens = Math.min(32_000, task.features.outputTokens * 4);
      const reserved = governor.reserve({
        armId,
        inputPricePerMillion: arm.inputPricePerMillion,
        outputPricePerMillion: arm.outputPricePerMillion,
        input: { countedTokens: task.features.inputTokens },
        maxOutputTokens,
      });
      if (!reserved.ok) {
        policy.cancel(armId);
        excluded.add(armId);
        continue;
      }
      const outcome = world.run(armId, task);
      // The provider stops at the limit it was given.
      const outputTokens = Math.min(maxOutputTokens, outcome.outputTokens);
      const { settlement } = governor.settle(reserved.reservation, { inputTokens: outcome.inputTokens, outputTokens });
      policy.observe(armId, task, { ...outcome, costUsd: settlement.costUsd });
      done = true;
      tasksDone += 1;
    }
    if (!done) break;
  }
  const { spentUsd } = governor.status();
  return { budgetUsd, spentUsd, overrun: spentUsd > budgetUsd + 1e-9, tasksDone };
}
