import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { describe, expect, test } from 'vitest';
import type { Plan } from '../../../worker/agents/contracts.ts';
import { checkFileSet, normalizeArtifactPath, safeFileName } from '../../../worker/artifacts/safe-path.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { payloadSchemas } from '../../../worker/events/catalog.ts';
import { validatePlan } from '../../../worker/orchestrator/plan-validation.ts';
import { reviewPath } from '../../../worker/orchestrator/task-results.ts';
import { createHousekeeping } from '../../../worker/projects/housekeeping.ts';
import { samplePlan } from '../agents/sample-input.ts';
import { prototypeNames } from './hostile-names.ts';

/*
 * One path rule for every path: model answers, the Debugger's review file (named from a
 * model-chosen task id), bundle imports and any later import all reach the tree through
 * normalizeArtifactPath, which the artifact events' schema applies too.
 */

const dangerous: [string, RegExp][] = [
  ['GIT~1/hooks/post-checkout', /short \(8\.3\) name/],
  ['git~1/config', /short \(8\.3\) name/],
  ['src/PROGRA~1/x.js', /short \(8\.3\) name/],
  ['.g\u200cit/hooks/pre-commit', /invisible or direction-changing/],
  ['.git\u200b/config', /invisible or direction-changing/],
  ['\ufeff.git/config', /invisible or direction-changing|\.git/],
  ['invoice\u202egpj.exe', /invisible or direction-changing/],
  ['a\u2066b\u2069.js', /invisible or direction-changing/],
  ['a\u200fb.js', /invisible or direction-changing/],
  ['a\u00adb.js', /invisible or direction-changing/],
  ['a\u2028b.js', /invisible or direction-changing/],
  ['COM\u00b9', /reserves for a device/],
  ['src/LPT\u00b2.txt', /reserves for a device/],
  ['com\u00b3.log', /reserves for a device/],
  ['CONIN$', /reserves for a device/],
  ['conout$.txt', /reserves for a device/],
  ['COM0.txt', /reserves for a device/],
  ['lpt0', /reserves for a device/],
];

describe('the path rule', () => {
  test.each(dangerous)('refuses %j', (raw, reason) => {
    const result = normalizeArtifactPath(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  test.each([
    'backup~notes.md',
    'src/~temp.js',
    'COM10.txt',
    'console.js',
    'conin.txt',
    'emoji-\u00e9.md',
    'docs/\u05e9\u05dc\u05d5\u05dd.md',
  ])('still accepts %j', (raw) => {
    expect(normalizeArtifactPath(raw)).toEqual({ ok: true, path: raw });
  });

  test('a file set refuses the dangerous names with the rest', () => {
    const set = checkFileSet(dangerous.map(([path]) => ({ path })));
    expect(set.accepted).toEqual([]);
  });

  test('whatever the task id, the review file is a safe path under .orchestra/reviews/', () => {
    const ids = fc.oneof(
      fc.constantFrom(...prototypeNames, '../../../../tmp/x', 'GIT~1', 'a/b', 'CON', '.', '..', 'x\u202e'),
      fc.string({ minLength: 1, maxLength: 120 }),
    );
    fc.assert(
      fc.property(ids, ids, (a, b) => {
        const path = reviewPath(a);
        expect(normalizeArtifactPath(path)).toEqual({ ok: true, path });
        expect(path.startsWith('.orchestra/reviews/')).toBe(true);
        expect(path.split('/')).toHaveLength(3);
        // Different ids, different files.
        if (a !== b) expect(reviewPath(b)).not.toBe(path);
      }),
      { numRuns: 1000 },
    );
    expect(reviewPath('review-1')).toBe('.orchestra/reviews/review-1.json');
  });

  test('safeFileName keeps a safe name and replaces any other by a stable, distinct one', () => {
    expect(safeFileName('t1', '.json')).toBe('t1.json');
    expect(safeFileName('../x', '.json')).toMatch(/^id-[0-9a-f]{16}\.json$/);
    expect(safeFileName('../x', '.json')).toBe(safeFileName('../x', '.json'));
  });

  test.each(['../secret.txt', 'GIT~1/hooks/post-checkout', '.g\u200cit/config', 'COM\u00b9.txt', 'a\u202egpj.exe'])(
    'a plan expecting %j is sent back to the Project Manager',
    (path) => {
      const plan: Plan = {
        ...samplePlan,
        tasks: [{ ...samplePlan.tasks[0]!, dependsOn: [], expectedArtifacts: [path] }],
      };
      const result = validatePlan(plan, { maxTasks: 10 });
      expect(result.ok).toBe(false);
    },
  );
});

describe('the artifact events apply the same rule', () => {
  const version = (path: string) => ({
    path,
    kind: 'source',
    language: 'text',
    contentHash: 'a'.repeat(64),
    size: 1,
    provenance: { source: 'ai' },
  });

  test.each([
    '.orchestra/reviews/../../../../tmp/x.json',
    '/etc/passwd',
    'GIT~1/hooks/post-checkout',
    'a\u202egpj.exe',
    './src/a.js',
  ])('an artifact event naming %j is refused', (path) => {
    expect(payloadSchemas['artifact-create'].safeParse(version(path)).success).toBe(false);
    expect(payloadSchemas['artifact-version'].safeParse(version(path)).success).toBe(false);
    expect(
      payloadSchemas['artifact-validate'].safeParse({ path, version: 1, status: 'valid', issues: [] }).success,
    ).toBe(false);
  });

  test('a canonical path passes', () => {
    expect(payloadSchemas['artifact-create'].safeParse(version('src/a.js')).success).toBe(true);
  });

  test('a bundle whose artifact path escapes is refused on import, changing nothing', async () => {
    const db = new OrchestraDb(`paths-${ulid()}`);
    const engine = createEngine(db);
    const house = createHousekeeping(engine);
    const projectId = ulid();
    const content = 'x';
    const drafts: EventDraft[] = [
      {
        type: 'project-create',
        actor: { kind: 'user' },
        payload: { name: 'p', description: 'd', template: null, budgetUsd: 2 },
      },
      {
        type: 'artifact-create',
        actor: { kind: 'agent', role: 'debugger' },
        payload: { ...version('.orchestra/reviews/t1.json'), contentHash: await sha256Hex(content) } as never,
      },
    ];
    await engine.store.append(projectId, drafts, { blobs: [content] });
    const exported = await house.exportProject(projectId);
    if (!exported.ok) throw new Error(exported.message);
    const hostile = exported.value.text.replaceAll(
      '.orchestra/reviews/t1.json',
      '.orchestra/reviews/../../../../tmp/x.json',
    );
    const there = createHousekeeping(createEngine(new OrchestraDb(`paths-${ulid()}`)));
    const result = await there.importProject(hostile);
    expect(result).toMatchObject({ ok: false, kind: 'bad_input' });
  });
});
