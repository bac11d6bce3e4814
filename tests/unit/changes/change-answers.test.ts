import { describe, expect, test } from 'vitest';
import { changeAgents, editableSection } from '../../../worker/agents/change-builders.ts';
import { fileOutputRules } from '../../../worker/agents/prompt-sections.ts';
import { changeOutputSchema } from '../../../worker/changes/change-output.ts';
import { applyEditBlocks } from '../../../worker/changes/edit-blocks.ts';
import { emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import { changeProposal } from '../../../worker/orchestrator/change-mode.ts';
import { newTaskRow } from '../../../worker/events/projections/reduce-tasks.ts';
import { templateAnswer } from '../../../worker/providers/template/template-adapter.ts';
import { templateChangeAnswer, uniqueTail } from '../../../worker/providers/template/template-change.ts';

describe('the Template provider answers a change with edit blocks', () => {
  test('the quoted tail is the shortest run of last lines found once', () => {
    expect(uniqueTail('a\nb\n')).toBe('b\n');
    expect(uniqueTail('x\n}\ny\n}\n')).toBe('y\n}\n');
    expect(uniqueTail('')).toBe('');
  });

  test('the request is written under "Requested changes", once as a heading, then as more lines', () => {
    const readme = '# Chores\r\n\r\nA list.\r\n';
    const first = templateChangeAnswer({
      change: {
        instructions: 'Requested change: dark\n mode\nNo model key is set up…',
        modifies: [{ path: 'README.md', content: readme }],
        adds: ['NOTES.md'],
      },
    });
    expect(changeOutputSchema.safeParse(first).success).toBe(true);
    const placed = applyEditBlocks(new Map([['README.md', readme]]), first.edits);
    if (!placed.ok) throw new Error(JSON.stringify(placed.problems));
    const line = '- dark (recorded by the Template provider: no AI read it)';
    // A CRLF file stays CRLF.
    expect(placed.files[0]?.after).toBe(`# Chores\r\n\r\nA list.\r\n\r\n## Requested changes\r\n\r\n${line}\r\n`);
    expect(first.files).toEqual([
      { path: 'NOTES.md', language: 'markdown', content: `# Requested changes\n\n${line}\n` },
    ]);

    const after = placed.files[0]?.after ?? '';
    const second = templateChangeAnswer({
      change: {
        instructions: 'Requested change: a footer',
        modifies: [{ path: 'README.md', content: after }],
        adds: [],
      },
    });
    const again = applyEditBlocks(new Map([['README.md', after]]), second.edits);
    if (!again.ok) throw new Error(JSON.stringify(again.problems));
    expect(again.files[0]?.after.split('## Requested changes')).toHaveLength(2);
    expect(again.files[0]?.after.endsWith('(recorded by the Template provider: no AI read it)\r\n')).toBe(true);
  });

  test('only a change response format with the engine’s JSON gets a change answer; anything else a starter', () => {
    const message = JSON.stringify({ change: { instructions: 'x', modifies: [], adds: ['a.md'] } });
    const change = templateAnswer({
      model: 'template:web-app',
      maxOutputTokens: 1000,
      messages: [{ role: 'user', content: message }],
      responseFormat: { type: 'json', name: 'orchestra_change', schema: {} },
    });
    expect(change).toMatchObject({ edits: [], files: [{ path: 'a.md' }] });
    const starter = templateAnswer({
      model: 'template:web-app',
      maxOutputTokens: 1000,
      messages: [{ role: 'user', content: message }],
    });
    expect(starter).toMatchObject({ label: 'Template (no AI)', template: 'web-app' });
  });
});

describe('builders in edit mode', () => {
  test('keep their identity and way of working, with the change output rules instead of whole files', () => {
    for (const agent of Object.values(changeAgents)) {
      expect(agent.systemPrompt.split('\n')[0]).toMatch(/^You are the .* \(role: [a-z-]+\)\.$/);
      expect(agent.systemPrompt).not.toContain(fileOutputRules);
      expect(agent.systemPrompt).toContain('send edit blocks in `edits`');
      expect(agent.responseFormat.name).toBe('orchestra_change');
    }
  });

  test('are shown the files they change whole, fenced so a file with a fence in it stays whole', () => {
    const section = editableSection({
      editable: [{ path: 'README.md', language: 'markdown', content: 'Run:\n```sh\nnpm test\n```\n' }],
    } as Parameters<typeof editableSection>[0]);
    expect(section).toContain('### README.md\n````markdown\nRun:\n```sh\nnpm test\n```\n````');
  });
});

test('a change plan keeps its own ids, renames those earlier tasks used, and lists its files canonically', () => {
  const state = emptyProjectState('p');
  for (const id of ['review', 'review-2', 'api']) state.tasks.set(id, newTaskRow('p', id, state.tasks.size));
  const task = (id: string, dependsOn: string[], modifies: string[], adds: string[]) => ({
    id,
    role: 'code-generator' as const,
    title: id,
    instructions: '',
    dependsOn,
    expectedArtifacts: [],
    acceptance: [],
    modifies,
    adds,
    deletes: [],
  });
  const proposal = changeProposal(
    state,
    {
      summary: 's',
      complexity: 'small',
      estimate: { tokens: 1, costUsd: 0 },
      stack: [],
      languages: [],
      tasks: [
        task('api', [], ['./src/a.js', 'src/a.js'], ['src/b.js']),
        task('filter', ['api'], ['src/b.js'], []),
        task('review', ['api', 'filter'], [], []),
      ],
    },
    'plan-1',
    'Add a filter',
  );
  expect(proposal.tasks.map((entry) => [entry.id, entry.dependsOn, entry.expectedArtifacts])).toEqual([
    ['api-2', [], ['src/a.js', 'src/b.js']],
    ['filter', ['api-2'], ['src/b.js']],
    ['review-3', ['api-2', 'filter'], []],
  ]);
  expect(proposal.change).toEqual({ request: 'Add a filter' });
});
