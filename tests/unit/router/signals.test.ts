import { expect, test } from 'vitest';
import { maxSignals } from '../../../worker/router/features.ts';
import { createRouter, mulberry32, taskSignals } from '../../../worker/router/index.ts';
import { bareArm } from './helpers.ts';

const arms = [bareArm('small', 'small', 0.1, 0.4), bareArm('large', 'large', 0.2, 0.8)];

test('a task’s content becomes length, file-kind and word signals, the same every time', () => {
  const content = {
    instructions: 'Add a SQL migration for the notes table and an async job that runs queries in batches.',
    files: ['db/migrate.py', 'jobs/worker.py', 'web/notes.css'],
  };
  const signals = taskSignals(content);
  expect(signals.slice(0, 3)).toEqual(['len:s', 'ext:py', 'ext:css']);
  expect(signals).toContain('word:sql');
  expect(signals).toContain('word:migration');
  expect(signals).toContain('word:async');
  expect(signals.filter((signal) => signal.startsWith('hash:')).length).toBe(2);
  expect(taskSignals(content)).toEqual(signals);
});

test('plural and gerund forms name the same word; long instructions are "len:l"; the list is capped', () => {
  expect(taskSignals({ instructions: 'Parsing regexes.' })).toEqual(['len:s', 'word:parser', 'word:regex']);
  const long = `${'Write the CSS layout, the SQL schema, auth tokens, charts, i18n, crypto, websocket, tests, api, math, wasm. '.repeat(30)}`;
  const signals = taskSignals({ instructions: long, files: ['a.ts', 'b.tsx', 'c.css', 'd.sql', 'e.md'] });
  expect(signals[0]).toBe('len:l');
  expect(signals.length).toBe(maxSignals);
  expect(signals.filter((signal) => signal.startsWith('ext:'))).toHaveLength(4);
});

test('nothing but words: paths without an extension and empty instructions give only a length', () => {
  expect(taskSignals({ instructions: '', files: ['Makefile', '.env', 'dir/'] })).toEqual(['len:s']);
});

test('the router learns a content signal: a model bad at SQL tasks stops getting them, and only them', () => {
  const router = createRouter({
    arms,
    random: mulberry32(5),
    preference: 'best quality',
    tuning: { forgetting: false },
  });
  const features = { inputTokens: 2000, outputTokens: 800 };
  const sql = taskSignals({ instructions: 'Write the SQL queries.' });
  const plain = taskSignals({ instructions: 'Write the page.' });
  const good = (armId: string, isSql: boolean) => (armId === 'large' && isSql ? 0.2 : armId === 'large' ? 0.95 : 0.7);
  for (let i = 0; i < 600; i++) {
    const isSql = i % 2 === 0;
    const decision = router.choose({
      taskType: 'backend-code',
      features: { ...features, signals: isSql ? sql : plain },
      budgetRemainingUsd: Number.POSITIVE_INFINITY,
    });
    router.observe(decision, { quality: good(decision.armId as string, isSql), costUsd: 0.001, latencyMs: 1000 });
  }
  const share = (signals: string[]) => {
    let large = 0;
    for (let i = 0; i < 200; i++) {
      const decision = router.choose({
        taskType: 'backend-code',
        features: { ...features, signals },
        budgetRemainingUsd: Number.POSITIVE_INFINITY,
      });
      if (decision.armId === 'large') large += 1;
      router.cancel(decision);
    }
    return large / 200;
  };
  expect(share(sql)).toBeLessThan(0.1);
  expect(share(plain)).toBeGreaterThan(0.8);
});
