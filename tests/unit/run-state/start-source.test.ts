/**
 * Issue 20, point 3: what Start will do is said from what it will build with. With the
 * keys locked it asks for the passphrase; it never says it builds a template.
 */
import { expect, test } from 'vitest';
import { type RunState, runControls } from '../../../worker/run-state/run-state.ts';
import { startSource } from '../../../worker/run-state/start-source.ts';

const idle: RunState = { phase: 'idle' };
const ended = (planned: boolean, unfinished: string[] = []): RunState => ({
  phase: 'ended',
  outcome: 'stopped',
  reason: null,
  cancelled: [],
  unfinished,
  planned,
});

test('the start source: a ready provider wins, then locked keys, then the template', () => {
  expect(startSource([])).toBe('template');
  expect(
    startSource([
      { ready: false, blocked: 'no-key' },
      { ready: false, blocked: 'incomplete' },
    ]),
  ).toBe('template');
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
