import { expect, test } from 'vitest';
import { createRouter } from '../../../worker/router/router.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { bareArm, share, train } from './helpers.ts';

// Two equally priced models; "star" is clearly better until it drops by 0.3.
function degradeRun(forgetting: boolean, seed: number): string[] {
  const router = createRouter({
    arms: [bareArm('star'), bareArm('steady')],
    random: mulberry32(seed),
    preference: 'balanced',
    tuning: { forgetting },
  });
  const noise = mulberry32(seed + 1000);
  let dropped = false;
  const quality = (id: string) => {
    const mean = id === 'star' ? (dropped ? 0.55 : 0.85) : 0.75;
    return Math.min(1, Math.max(0, mean + 0.3 * (noise() - 0.5)));
  };
  train(router, 300, quality);
  dropped = true;
  return train(router, 60, quality);
}

test('a model whose quality drops by 0.3 falls below 10% of choices within 20 tasks', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const after = degradeRun(true, seed);
    expect(share(after.slice(20, 60), 'star')).toBeLessThanOrEqual(0.1);
  }
});

test('without forgetting the same drop takes far longer to notice', () => {
  let slow = 0;
  for (let seed = 1; seed <= 10; seed++) if (share(degradeRun(false, seed).slice(20, 60), 'star') > 0.1) slow += 1;
  expect(slow).toBeGreaterThanOrEqual(5);
});

test('a stationary model is not abandoned by false alarms', () => {
  const router = createRouter({ arms: [bareArm('star'), bareArm('steady')], random: mulberry32(21) });
  const noise = mulberry32(22);
  const choices = train(router, 2000, (id) =>
    Math.min(1, Math.max(0, (id === 'star' ? 0.85 : 0.75) + 0.3 * (noise() - 0.5))),
  );
  expect(share(choices.slice(200), 'star')).toBeGreaterThan(0.9);
});

test('old evidence fades, so an arm that was bad long ago is tried again', () => {
  const router = createRouter({
    arms: [bareArm('fixed'), bareArm('incumbent')],
    random: mulberry32(23),
    tuning: { memory: 100 },
  });
  let improved = false;
  const quality = (id: string) => (id === 'fixed' ? (improved ? 0.95 : 0.3) : 0.75);
  train(router, 200, quality);
  improved = true;
  const later = train(router, 600, quality);
  expect(share(later.slice(-100), 'fixed')).toBeGreaterThan(0.8);
});
