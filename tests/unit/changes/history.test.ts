import { expect, test } from 'vitest';
import { renderOrchestraMd } from '../../../worker/artifacts/orchestra-md.ts';
import { changeHistory } from '../../../worker/changes/history.ts';
import { madeAfterPoint } from '../../../worker/changes/revert.ts';
import type { ArtifactVersionRow } from '../../../worker/events/projections/rows.ts';

const version = (
  path: string,
  number: number,
  seq: number,
  at: number,
  provenance: ArtifactVersionRow['provenance'],
): ArtifactVersionRow => ({
  projectId: 'p',
  path,
  version: number,
  contentHash: '0'.repeat(64),
  size: 1,
  at,
  seq,
  provenance,
  validation: null,
  quality: null,
});

test('the history groups versions into what was brought in, each run, and each revert', () => {
  const history = changeHistory(
    [
      version('src/a.js', 1, 2, 100, { source: 'user' }),
      version('src/b.js', 1, 2, 100, { source: 'user' }),
      version('src/a.js', 2, 10, 2000, { source: 'ai', role: 'code-generator' }),
      version('src/c.js', 1, 11, 2100, { source: 'ai', role: 'code-generator' }),
      { ...version('src/b.js', 2, 12, 2200, { source: 'ai', role: 'code-generator' }), deleted: { reason: 'unused' } },
      version('src/a.js', 3, 20, 5000, { source: 'user', revertedTo: 1 }),
    ],
    [{ startedAt: 1000, endedAt: 3000 }],
  );
  expect(history).toEqual([
    { kind: 'import', at: 100, added: ['src/a.js', 'src/b.js'], modified: [], deleted: [], reverted: [] },
    { kind: 'run', at: 1000, added: ['src/c.js'], modified: ['src/a.js'], deleted: ['src/b.js'], reverted: [] },
    { kind: 'revert', at: 5000, added: [], modified: [], deleted: [], reverted: ['src/a.js → v1'] },
  ]);
  const md = renderOrchestraMd({
    project: { name: 'P', description: '', template: null },
    plan: null,
    tasks: [],
    reviews: [],
    costs: { budgetUsd: null, spentUsd: 0, inputTokens: 0, outputTokens: 0 },
    files: [],
    history,
    exportedAt: 0,
  });
  expect(md).toContain(
    [
      '## History of changes',
      '',
      '1. Brought in, 1970-01-01T00:00:00.100Z: added `src/a.js`, `src/b.js`.',
      '2. Run, 1970-01-01T00:00:01.000Z: added `src/c.js`; changed `src/a.js`; deleted `src/b.js`.',
      '3. Reverted by you, 1970-01-01T00:00:05.000Z: brought back `src/a.js → v1`.',
    ].join('\n'),
  );
});

test('a revert made while a run is paused (the run has no end yet) is a revert, not part of the run', () => {
  const history = changeHistory(
    [
      version('src/a.js', 1, 2, 1100, { source: 'ai', role: 'code-generator' }),
      version('src/a.js', 2, 5, 1500, { source: 'ai', role: 'code-generator' }),
      version('src/a.js', 3, 9, 2000, { source: 'user', revertedTo: 1 }),
    ],
    [{ startedAt: 1000, endedAt: null }],
  );
  expect(history).toEqual([
    { kind: 'run', at: 1000, added: ['src/a.js'], modified: ['src/a.js'], deleted: [], reverted: [] },
    { kind: 'revert', at: 2000, added: [], modified: [], deleted: [], reverted: ['src/a.js → v1'] },
  ]);
});

test('a project revert that deletes the files made after its point is one revert, its deletions included', () => {
  const history = changeHistory(
    [
      version('src/a.js', 1, 2, 1100, { source: 'ai', role: 'code-generator' }),
      version('src/a.js', 2, 5, 1500, { source: 'ai', role: 'code-generator' }),
      version('src/b.js', 1, 6, 1600, { source: 'ai', role: 'code-generator' }),
      version('src/a.js', 3, 9, 4000, { source: 'user', revertedTo: 1 }),
      { ...version('src/b.js', 2, 10, 4000, { source: 'user' }), deleted: { reason: madeAfterPoint } },
      // Deleted by you by hand: an edit of its own.
      { ...version('src/a.js', 4, 12, 5000, { source: 'user' }), deleted: { reason: 'Not needed.' } },
    ],
    [{ startedAt: 1000, endedAt: 2000 }],
  );
  expect(history).toEqual([
    { kind: 'run', at: 1000, added: ['src/a.js', 'src/b.js'], modified: ['src/a.js'], deleted: [], reverted: [] },
    { kind: 'revert', at: 4000, added: [], modified: [], deleted: ['src/b.js'], reverted: ['src/a.js → v1'] },
    { kind: 'edit', at: 5000, added: [], modified: [], deleted: ['src/a.js'], reverted: [] },
  ]);
});
