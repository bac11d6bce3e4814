import { expect, test } from 'vitest';
import { createRouter, defaultTuning, mulberry32, restoreRouter } from '../../../worker/router/index.ts';
import type { RouterSnapshot } from '../../../worker/router/index.ts';
import { bareArm } from './helpers.ts';

const arms = [bareArm('small', 'small', 0.1, 0.4), bareArm('medium', 'medium', 1, 4), bareArm('large', 'large', 5, 20)];
const context = { taskType: 'tests', features: { inputTokens: 3000, outputTokens: 800 }, budgetRemainingUsd: 5 };

/** A router's snapshot after some learning, with the knobs it was made with. */
function learned(tuning: Partial<typeof defaultTuning>) {
  const router = createRouter({ arms, random: mulberry32(3), tuning });
  for (let i = 0; i < 200; i++) {
    const decision = router.choose({ ...context, features: { ...context.features, signals: ['len:s', 'ext:py'] } });
    router.observe(decision, { quality: decision.armId === 'medium' ? 0.9 : 0.6, costUsd: 0.002, latencyMs: 900 });
  }
  return JSON.parse(JSON.stringify(router.toJSON())) as Record<string, unknown>;
}

// The knobs as the releases before this one wrote them into every snapshot.
const session5Tuning = {
  memory: 300,
  priorStrength: 2,
  backoffStrength: 30,
  contextShrink: 8,
  maxObservationWeight: 8,
  changeShift: 0.25,
  changeThreshold: 10,
  changeMinEvidence: 8,
  balancePenalty: 0.01,
  pacePenalty: 0.5,
  explorationScale: 0.3,
  explorationHalfEvidence: 2,
  forgetting: true,
};
const session4Tuning = {
  memory: 400,
  priorStrength: 2,
  backoffStrength: 30,
  maxObservationWeight: 8,
  changeShift: 0.2,
  changeThreshold: 5,
  balancePenalty: 0.01,
  pacePenalty: 0.5,
  explorationScale: 0.5,
  explorationHalfEvidence: 4,
  forgetting: true,
};

test('a snapshot made with older knob values restores with those values and decides as its router would', () => {
  const snapshot = learned(session5Tuning);
  snapshot['tuning'] = { ...session5Tuning };
  const restored = restoreRouter(snapshot as RouterSnapshot, { random: mulberry32(9) });
  const again = restoreRouter(snapshot as RouterSnapshot, { random: mulberry32(9) });
  expect(restored.toJSON().tuning).toMatchObject(session5Tuning);
  for (let i = 0; i < 30; i++) {
    const a = restored.choose(context);
    expect(a).toEqual(again.choose(context));
    restored.observe(a, { quality: 0.8, costUsd: 0.002, latencyMs: 900 });
    again.observe(a, { quality: 0.8, costUsd: 0.002, latencyMs: 900 });
  }
  expect(restored.toJSON()).toEqual(again.toJSON());
});

test('an older snapshot without the newer knobs and cells gets their defaults, and learns on', () => {
  const snapshot = learned(session4Tuning);
  snapshot['tuning'] = { ...session4Tuning };
  delete snapshot['features'];
  const restored = createRouter.restore(snapshot as RouterSnapshot, { random: mulberry32(4) });
  const tuning = restored.toJSON().tuning;
  // The snapshot's own values (not today's defaults: memory 400, changeThreshold 5…) stay.
  expect(tuning).toMatchObject(session4Tuning);
  expect(tuning.contextShrink).toBe(8);
  expect(tuning.changeMinEvidence).toBe(8);
  // contextShrink is checked above: absent, it reads as the 8 the first feature cells were learned with.
  for (const knob of Object.keys(defaultTuning) as (keyof typeof defaultTuning)[])
    if (!(knob in session4Tuning) && knob !== 'contextShrink') expect(tuning[knob], knob).toEqual(defaultTuning[knob]);
  expect(restored.toJSON().features).toEqual({});
  for (let i = 0; i < 50; i++) {
    const decision = restored.choose(context);
    expect(decision.armId).not.toBeNull();
    restored.observe(decision, { quality: 0.7, costUsd: 0.002, latencyMs: 900 });
  }
  expect(restored.toJSON().decisions).toBe(250);
});

test('a snapshot with a knob this release no longer has still restores', () => {
  const snapshot = learned({});
  snapshot['tuning'] = { ...(snapshot['tuning'] as object), retiredKnob: 3 };
  expect(() => restoreRouter(snapshot as RouterSnapshot)).not.toThrow();
});
