/**
 * Issue 20, point 3: what Start will do is said from what it will build with. With the
 * keys locked it asks for the passphrase; it never says it builds a template.
 */
import { expect, test } from 'vitest';
import { type RunState, runControls } from '../../../worker/run-state/run-state.ts';
import { startSource, waitingSentence } from '../../../worker/run-state/start-source.ts';

const idle: RunState = { phase: 'idle' };
const ended = (planned: boolean, unfinished: string[] = []): RunState => ({
  phase: 'ended',
  outcome: 'stopped',
  reason: null,
  cancelled: [],
  unfinished,
  planned,
});

test('the start source: a ready provider wins, then locked keys, then a provider set up but waiting, then the template', () => {
  expect(startSource([])).toBe('template');
  expect(startSource([{ ready: false, blocked: 'no-key' }])).toBe('template');
  expect(
    startSource([
      { ready: false, blocked: 'no-key' },
      { ready: false, blocked: 'incomplete' },
    ]),
  ).toBe('waiting');
  expect(startSource([{ ready: false, blocked: 'cooling-down' }])).toBe('waiting');
  expect(
    startSource([
      { ready: false, blocked: 'cooling-down' },
      { ready: false, blocked: 'locked' },
    ]),
  ).toBe('locked');
  expect(
    startSource([
      { ready: false, blocked: 'no-key' },
      { ready: false, blocked: 'locked' },
    ]),
  ).toBe('locked');
  expect(startSource([{ ready: false, blocked: 'locked' }, { ready: true }])).toBe('models');
});

test('with locked keys Start says it asks for the passphrase, never that it builds a template', () => {
  for (const state of [idle, ended(false), ended(true, ['Notes module'])]) {
    const start = runControls(state, true, 'locked').start;
    expect(start.enabled).toBe(true);
    expect(start.does).toContain('Your model keys are locked: Start asks for your passphrase');
    expect(start.does).not.toMatch(/template/i);
  }
  // A finished plan's Start calls no model: the keys do not matter to it.
  expect(runControls(ended(true), true, 'locked').start.does).toContain('Every task is done');
});

test('with no key Start says it builds a Template starter that no AI reads; with a key, that the Project Manager plans', () => {
  const template = runControls(idle, true, 'template').start.does;
  expect(template).toContain('Template (no AI)');
  expect(template).toContain('no AI reads your description');
  expect(template).not.toContain('locked');
  const models = runControls(idle, true, 'models').start.does;
  expect(models).toContain('the Project Manager plans the project');
  expect(models).not.toMatch(/template|locked/i);
});

test('while the providers set up are paused or incomplete, Start is off and says why; the sentence names them', () => {
  for (const state of [idle, ended(false), ended(true, ['Notes module'])]) {
    const start = runControls(state, true, 'waiting').start;
    expect(start.enabled).toBe(false);
    expect(start.does).toContain('No model can take calls now');
    expect(start.does).not.toMatch(/template/i);
  }
  // A finished plan's Start calls no model.
  expect(runControls(ended(true), true, 'waiting').start.enabled).toBe(true);
  expect(
    waitingSentence(
      [
        { provider: 'openai', ready: false, blocked: 'cooling-down' },
        { provider: 'anthropic', ready: false, blocked: 'cooling-down' },
        { provider: 'openai-compatible', ready: false, blocked: 'incomplete' },
        { provider: 'gemini', ready: false, blocked: 'no-key' },
      ],
      'press Continue orchestra',
    ),
  ).toBe(
    'No model can take calls now. OpenAI (GPT) and Anthropic (Claude) are paused for a minute after repeated failures: wait a minute, then press Continue orchestra. OpenAI-compatible endpoint needs a base URL and a model name: add them in Settings, then press Continue orchestra.',
  );
});
