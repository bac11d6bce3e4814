import type { Capabilities, ModelArm } from './catalog.ts';

type Skill = Exclude<keyof Capabilities, 'speed'>;

// Task types are open strings, so the skill a type calls for is guessed from its words.
// Order matters: "ui-tests" is testing work, "fix-ui" is debugging work.
const skillWords: readonly (readonly [Skill, RegExp])[] = [
  ['testing', /test|spec|qa/],
  ['review', /review|debug|fix|repair|audit/],
  ['reasoning', /plan|design-doc|architect|reason|analy/],
  ['ui', /ui|front|css|view|component|style|design/],
  ['code', /code|backend|api|impl|server|build|refactor/],
];

// Decisions ask this for every arm; a project has a handful of task types, so remember them.
const skillCache = new Map<string, Skill | null>();

/** The capability a task type draws on, or undefined when its name says nothing we know. */
export function skillFor(taskType: string): Skill | undefined {
  let skill = skillCache.get(taskType);
  if (skill === undefined) {
    const name = taskType.toLowerCase();
    skill = skillWords.find(([, pattern]) => pattern.test(name))?.[0] ?? null;
    if (skillCache.size > 1000) skillCache.clear();
    skillCache.set(taskType, skill);
  }
  return skill ?? undefined;
}

// Without a capability vector the tier is the only hint; unknown tiers sit in the middle.
const tierQuality: ReadonlyMap<string, number> = new Map([
  ['small', 0.62],
  ['medium', 0.72],
  ['large', 0.8],
]);
const tierSpeed: ReadonlyMap<string, number> = new Map([
  ['small', 0.9],
  ['medium', 0.7],
  ['large', 0.5],
]);

/** Prior mean quality of an arm on a task type, from its capabilities or else its tier. */
export function priorQuality(arm: ModelArm, taskType: string): number {
  const caps = arm.capabilities;
  if (!caps) return tierQuality.get(arm.tier) ?? 0.7;
  const skill = skillFor(taskType);
  if (skill) return caps[skill];
  return (caps.code + caps.ui + caps.reasoning + caps.testing + caps.review) / 5;
}

/**
 * Prior latency in ms per "latency unit" (1 + output tokens / 1000): a speed of 1 is about
 * 1.5 s per unit, a speed of 0 about 12 s.
 */
export function priorLatencyPerUnitMs(arm: ModelArm): number {
  let ms = latencyCache.get(arm);
  if (ms === undefined) {
    const speed = arm.capabilities?.speed ?? tierSpeed.get(arm.tier) ?? 0.7;
    ms = 1500 * Math.pow(8, 1 - speed);
    latencyCache.set(arm, ms);
  }
  return ms;
}

const latencyCache = new WeakMap<ModelArm, number>();

/** The latency unit of a call: latency grows with the output it has to write. */
export function latencyUnits(outputTokens: number): number {
  return 1 + Math.max(0, outputTokens) / 1000;
}
