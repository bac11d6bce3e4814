/**
 * Decision latency on a warmed router over the nine-model catalog, each decision timed on
 * its own, with an outcome observed after each (as in a run). Two baselines are timed in
 * the same loop, call for call, so they live through the same machine noise:
 * - ε-greedy, a decision that does little more than look up means;
 * - a busy loop of pure arithmetic calibrated to last as long as a median decision: its
 *   p99 is what preemption and interrupts alone do to a call of that length.
 */
import { percentile } from '../result.ts';
import { makeEpsilonGreedyPolicy, makeRouterPolicy } from './policies.ts';
import { makeWorld } from './world.ts';

let sink = 0;
function spin(iterations: number): void {
  for (let j = 0; j < iterations; j++) sink += Math.sqrt(j + sink * 1e-12);
}

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) * 1000;
}

export function decisionLatencyUs(decisions = 100_000, warmup = 20_000) {
  const world = makeWorld(4242);
  const router = makeRouterPolicy(world, 4242, 'balanced');
  const epsilon = makeEpsilonGreedyPolicy(world, 4242, 'balanced');
  const tasks = Array.from({ length: 1000 }, () => world.next());
  const outcomes = tasks.map((task) => world.run(world.arms[0]?.id as string, task));
  const routerUs: number[] = [];
  const epsilonUs: number[] = [];
  const busyUs: number[] = [];
  let iterations = 1000;
  for (let i = 0; i < warmup + decisions; i++) {
    const task = tasks[i % tasks.length] as (typeof tasks)[number];
    const outcome = outcomes[i % tasks.length] as (typeof outcomes)[number];
    let routed = '';
    let greedy = '';
    const routerTime = timed(() => (routed = router.choose(task, 100)));
    const epsilonTime = timed(() => (greedy = epsilon.choose(task, 100)));
    const busyTime = timed(() => spin(iterations));
    router.observe(routed, task, outcome);
    epsilon.observe(greedy, task, outcome);
    if (i === warmup - 1) {
      // Calibrate the busy loop to the router's median decision, once warmed up.
      const spinUs = percentile(busyUs, 50);
      iterations = Math.max(1, Math.round((iterations * percentile(routerUs, 50)) / spinUs));
      routerUs.length = 0;
      epsilonUs.length = 0;
      busyUs.length = 0;
      continue;
    }
    routerUs.push(routerTime);
    epsilonUs.push(epsilonTime);
    busyUs.push(busyTime);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the busy loop from being optimised away');
  const figures = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
  return { router: figures(routerUs), epsilon: figures(epsilonUs), busyLoop: figures(busyUs) };
}
