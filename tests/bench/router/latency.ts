/**
 * Decision latency on a warmed router over the nine-model catalog, each decision timed on
 * its own, with an outcome observed after each (as in a run). ε-greedy is timed the same
 * way as the baseline: a decision that does almost nothing but look up means.
 */
import { percentile } from '../result.ts';
import { makeEpsilonGreedyPolicy, makeRouterPolicy } from './policies.ts';
import { makeWorld } from './world.ts';

export function decisionLatencyUs(decisions = 100_000, warmup = 20_000) {
  const measure = (kind: 'router' | 'epsilon') => {
    const world = makeWorld(4242);
    const policy =
      kind === 'router' ? makeRouterPolicy(world, 4242, 'balanced') : makeEpsilonGreedyPolicy(world, 4242, 'balanced');
    const tasks = Array.from({ length: 1000 }, () => world.next());
    const outcomes = tasks.map((task) => world.run(world.arms[0]?.id as string, task));
    const times: number[] = [];
    for (let i = 0; i < warmup + decisions; i++) {
      const task = tasks[i % tasks.length] as (typeof tasks)[number];
      const start = performance.now();
      const armId = policy.choose(task, 100);
      const elapsed = performance.now() - start;
      if (i >= warmup) times.push(elapsed * 1000);
      policy.observe(armId, task, outcomes[i % tasks.length] as (typeof outcomes)[number]);
    }
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  };
  return { router: measure('router'), epsilon: measure('epsilon') };
}
