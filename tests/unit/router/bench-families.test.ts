import { expect, test } from 'vitest';
import { type Family, families } from '../../bench/router/families.ts';
import { costAtEqualQuality, oracleFrontier, runEpisode } from '../../bench/router/family-evaluate.ts';
import { makeOracleFamilyPolicy, makeRandomFamilyPolicy } from '../../bench/router/family-policies.ts';
import { makeEpisode, outcomeOf } from '../../bench/router/family-world.ts';

const familyWhere = (predicate: (family: Family) => boolean): Family => {
  const found = families.find(predicate);
  if (!found) throw new Error('no such family');
  return found;
};

test('the world family spans what the evaluation must cover', () => {
  expect(families.length).toBeGreaterThanOrEqual(12);
  const kinds = new Set(families.map((family) => family.reward));
  const dynamics = new Set(families.map((family) => family.dynamics));
  expect([...kinds].sort()).toEqual(['bernoulli', 'fraction']);
  expect([...dynamics].sort()).toEqual(['drift', 'drop', 'outage', 'price', 'stationary']);
  expect(Math.min(...families.map((family) => family.models))).toBeLessThanOrEqual(3);
  expect(Math.max(...families.map((family) => family.models))).toBeGreaterThanOrEqual(15);
  expect(families.some((family) => family.content)).toBe(true);
  expect(families.some((family) => family.heavyTail)).toBe(true);
  for (const family of families) {
    const episode = makeEpisode(family, 3, 50);
    const prices = episode.arms.map((arm) => arm.inputPricePerMillion);
    const spread = Math.max(...prices) / Math.min(...prices);
    expect(spread).toBeGreaterThan(family.priceSpread / 2);
    expect(spread).toBeLessThan(family.priceSpread * 2);
  }
});

test('a seed draws the same world, and a model gets the same outcome on a task whoever chose it', () => {
  const family = familyWhere((f) => f.reward === 'bernoulli');
  const one = makeEpisode(family, 7, 200);
  const two = makeEpisode(family, 7, 200);
  expect(two.quality).toEqual(one.quality);
  expect(two.tasks).toEqual(one.tasks);
  for (let t = 0; t < 200; t += 17) {
    const outcome = outcomeOf(one, t, t % one.arms.length);
    expect(outcomeOf(two, t, t % one.arms.length)).toEqual(outcome);
    expect([0, 1]).toContain(outcome.quality);
  }
});

test('the oracle has no regret and sits on its own frontier; random pays more for less', () => {
  const family = familyWhere((f) => f.dynamics === 'outage');
  const episode = makeEpisode(family, 11, 400);
  const frontier = oracleFrontier(episode);
  const oracle = runEpisode(episode, makeOracleFamilyPolicy(episode));
  const random = runEpisode(episode, makeRandomFamilyPolicy(episode));
  expect(oracle.regret).toBe(0);
  expect(costAtEqualQuality(frontier, oracle.quality, oracle.cost)).toBeLessThan(1.05);
  expect(random.regret).toBeGreaterThan(10);
  expect(costAtEqualQuality(frontier, random.quality, random.cost)).toBeGreaterThan(1.5);
});
