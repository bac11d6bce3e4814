import { expect, test } from 'vitest';
import { initialForm, toNewProject } from '../../../web/views/new-project/new-project-input.ts';

test('the form becomes createProject input; an empty budget means the default', () => {
  expect(toNewProject({ ...initialForm, name: '  Shop ', template: 'web-app', autoApprove: true })).toEqual({
    ok: true,
    value: {
      name: 'Shop',
      description: '',
      template: 'web-app',
      preference: 'balanced',
      budgetUsd: null,
      maxParallel: 3,
      autoApprove: true,
    },
  });
  expect(toNewProject({ ...initialForm, name: 'A', budget: '2.5', maxParallel: '8' })).toMatchObject({
    ok: true,
    value: { budgetUsd: 2.5, maxParallel: 8, template: null },
  });
});

test('what cannot be sent is said in a sentence', () => {
  expect(toNewProject({ ...initialForm, name: ' ' }).ok).toBe(false);
  expect(toNewProject({ ...initialForm, name: 'A', budget: '-1' }).ok).toBe(false);
  expect(toNewProject({ ...initialForm, name: 'A', maxParallel: '9' }).ok).toBe(false);
  expect(toNewProject({ ...initialForm, name: 'A', maxParallel: '1.5' }).ok).toBe(false);
  expect(toNewProject({ ...initialForm, name: 'A', description: 'x'.repeat(20_001) }).ok).toBe(false);
});
