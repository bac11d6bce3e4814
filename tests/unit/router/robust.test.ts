import { expect, test } from 'vitest';
import { createRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { asExpected, bareArm, share, task, train } from './helpers.ts';

// Pass/fail rewards, as test results give them: 1 when a task's files pass, else 0.
const coin = (random: () => number, p: number) => (random() < p ? 1 : 0);

const alarmsOf = (router: ReturnType<typeof createRouter>) =>
  Object.values(router.toJSON().types)
    .flatMap((cells) => Object.values(cells))
    .reduce((sum, cell) => sum + cell.alarms, 0);

/** A detector has alarmed, or holds a change as likely as not (its CUSUM past `changeSuspicion`). */
const noticed = (router: ReturnType<typeof createRouter>) => {
  const snapshot = router.toJSON();
  const level = snapshot.tuning.changeSuspicion;
  const cells = Object.values(snapshot.types).flatMap((byArm) => Object.values(byArm));
  return (
    alarmsOf(router) > 0 ||
    cells.some((cell) => cell.cusum >= level) ||
    Object.values(snapshot.global).some((cell) => (cell.alarms ?? 0) > 0 || (cell.cusum ?? 0) >= level)
  );
};

test('pass/fail rewards from a model that never changes raise at most one alarm per 10,000 outcomes (2 in 20,000)', () => {
  const router = createRouter({
    arms: [bareArm('steady', 'medium'), bareArm('other', 'medium')],
    random: mulberry32(5),
  });
  const noise = mulberry32(6);
  const types = ['backend-code', 'tests', 'review', 'ui-code'];
  for (let i = 0; i < 20_000; i++) {
    const decision = router.choose(task(types[i % 4] as string));
    const p = decision.armId === 'steady' ? 0.92 : 0.6;
    router.observe(decision, { quality: coin(noise, p), ...asExpected(decision) });
  }
  expect(alarmsOf(router)).toBeLessThanOrEqual(2);
});

// Pass/fail scores carry little information each: a drop from 0.9 to 0.55 takes some 25
// outcomes to tell from bad luck at one false alarm per 20,000. A change held as likely as
// not already moves the model's mean (suspicion.ts), so the model may be let go before the
// alarm, and then no alarm comes: noticing it either way counts. After that the model is
// usually abandoned; when the other model's own few outcomes were unlucky it can take
// longer (see "Known limits" in the README).
test('a real drop of 0.3 in pass/fail rewards is noticed and the model mostly abandoned', () => {
  let detected = 0;
  let abandoned = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const router = createRouter({ arms: [bareArm('star'), bareArm('steady')], random: mulberry32(seed) });
    const noise = mulberry32(seed + 100);
    let dropped = false;
    const quality = (id: string) => coin(noise, id === 'star' ? (dropped ? 0.55 : 0.9) : 0.7);
    train(router, 400, quality);
    dropped = true;
    const after = train(router, 300, quality);
    if (noticed(router)) detected += 1;
    if (share(after.slice(-50), 'star') < 0.3) abandoned += 1;
  }
  expect(detected).toBeGreaterThanOrEqual(8);
  expect(abandoned).toBeGreaterThanOrEqual(6);
});

// Draws are scaled down only for models with evidence, and fading evidence gives a model
// that was unlucky early its full draws back: it is found again, never locked out.
test('two unlucky failures do not lock out the better model for good', () => {
  let recovered = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const router = createRouter({ arms: [bareArm('better'), bareArm('worse')], random: mulberry32(seed) });
    // The better model's first two tries fail; after that both are what they are.
    let betterTries = 0;
    const noise = mulberry32(seed + 50);
    const choices = train(router, 1200, (id) => {
      if (id === 'better') return betterTries++ < 2 ? 0 : coin(noise, 0.85);
      return coin(noise, 0.65);
    });
    let found = false;
    for (let i = 0; i + 100 <= choices.length && !found; i += 50)
      found = share(choices.slice(i, i + 100), 'better') > 0.8;
    if (found) recovered += 1;
  }
  expect(recovered).toBeGreaterThanOrEqual(9);
});

test('cost weighs in dollars: a large task buys the cheaper close model, a small one the better dear one', () => {
  const router = createRouter({
    arms: [bareArm('dear', 'large', 15, 75), bareArm('cheap', 'medium', 0.5, 2)],
    random: mulberry32(3),
    preference: 'balanced',
  });
  const quality = (id: string) => (id === 'dear' ? 0.9 : 0.85);
  // Both models known well on both sizes first.
  for (let i = 0; i < 300; i++) {
    train(router, 1, quality, task('backend-code', 500, 300));
    train(router, 1, quality, task('backend-code', 60_000, 3000));
  }
  const small = train(router, 100, quality, task('backend-code', 500, 300));
  const large = train(router, 100, quality, task('backend-code', 60_000, 3000));
  expect(share(small, 'dear')).toBeGreaterThan(0.8);
  expect(share(large, 'cheap')).toBeGreaterThan(0.8);
});

test('task content as signals: a model strong on SQL gets the SQL tasks, the other the rest', () => {
  const router = createRouter({
    arms: [bareArm('sql-expert'), bareArm('generalist')],
    random: mulberry32(8),
    preference: 'best quality',
  });
  const noise = mulberry32(9);
  const withSignals = (signals: string[]) => ({
    ...task('backend-code'),
    features: { ...task('backend-code').features, signals },
  });
  const sql = withSignals(['word:sql', 'ext:sql']);
  const css = withSignals(['word:css']);
  const quality = (id: string, isSql: boolean) => coin(noise, id === 'sql-expert' ? (isSql ? 0.95 : 0.6) : 0.8);
  for (let i = 0; i < 600; i++) {
    const isSql = i % 2 === 0;
    train(router, 1, (id) => quality(id, isSql), isSql ? sql : css);
  }
  const onSql = train(router, 100, (id) => quality(id, true), sql);
  const onCss = train(router, 100, (id) => quality(id, false), css);
  expect(share(onSql, 'sql-expert')).toBeGreaterThan(0.7);
  expect(share(onCss, 'generalist')).toBeGreaterThan(0.7);
});
