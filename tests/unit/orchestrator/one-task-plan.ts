import type { EventDraft } from '../../../worker/events/catalog.ts';

/** A project named `name`, a run started, and an approved plan of one Code Generator task (`only`). */
export const oneTaskPlan = (name: string): EventDraft[] => [
  {
    type: 'project-create',
    actor: { kind: 'user' },
    payload: { name, description: 'Notes.', template: null, budgetUsd: 5 },
  },
  { type: 'run-start', actor: { kind: 'user' }, payload: { runId: 'r1' } },
  {
    type: 'plan-propose',
    actor: { kind: 'agent', role: 'project-manager' },
    payload: {
      planId: 'p1',
      summary: 'One task',
      complexity: 'small',
      estimate: null,
      tasks: [
        {
          id: 'only',
          role: 'code-generator',
          title: 'The task',
          instructions: 'Do it.',
          dependsOn: [],
          expectedArtifacts: ['notes.py'],
          acceptance: [],
        },
      ],
    },
  },
  { type: 'plan-approve', actor: { kind: 'user' }, payload: { planId: 'p1', auto: false } },
];
