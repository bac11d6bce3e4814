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

/** The capability a task type draws on, or undefined when its name says nothing we know. */
export function skillFor(taskType: string): Skill | undefined {
  const name = taskType.toLowerCase();
  for (const [skill, pattern] of skillWords) if (pattern.test(name)) return skill;
  return undefined;
}

// Without a capability vector the tier is the only hint; unknown tiers sit in the middle.
const tierQuality: Readonly<Record<string, number>> = { small: 0.62, medium: 0.72, large: 0.8 };
const tierSpeed: Readonly<Record<string, number>> = { small: 0.9, medium: 0.7, large: 0.5 };

/** Prior mean quality of an arm on a task type, from its capabilities or else its tier. */
export function priorQuality(arm: ModelArm, taskType: string): number {
  const caps = arm.capabilities;
  if (!caps) return tierQuality[arm.tier] ?? 0.7;
  const skill = skillFor(taskType);
  if (skill) return caps[skill];
  return (caps.code + caps.ui + caps.reasoning + caps.testing + caps.review) / 5;
}

/**
 * Prior latency in ms per "latency unit" (1 + output tokens / 1000): a speed of 1 is about
 * 1.5 s per unit, a speed of 0 about 12 s.
 */
export function priorLatencyPerUnitMs(arm: ModelArm): number {
  const speed = arm.capabilities?.speed ?? tierSpeed[arm.tier] ?? 0.7;
  return 1500 * Math.pow(8, 1 - speed);
}

/** The latency unit of a call: latency grows with the output it has to write. */
export function latencyUnits(outputTokens: number): number {
  return 1 + Math.max(0, outputTokens) / 1000;
}
