import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { createChangeCommands } from '../../../worker/changes/change-commands.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { rebuildReadModels } from '../../../worker/events/replay.ts';
import { rowsOf } from '../../../worker/events/projections/materialize.ts';
import { currentFiles } from '../../../worker/artifacts/project-tree.ts';
import { madeAfterPoint } from '../../../worker/changes/revert.ts';
import { describeEvent } from '../../../worker/query/describe-event.ts';

let counter = 0;
const author = { kind: 'agent', role: 'code-generator' } as const;

async function project() {
  const db = new OrchestraDb(`revert-${++counter}`);
  const engine = createEngine(db);
  const projectId = ulid();
  await engine.locks.claim(projectId);
  await engine.store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Notes', description: 'd', template: null, budgetUsd: null },
    },
  ]);
  const write = async (path: string, content: string) => {
    const contentHash = await sha256Hex(content);
    const known = (await engine.store.load(projectId)).artifacts.has(path);
    const [event] = await engine.store.append(
      projectId,
      [
        {
          type: known ? 'artifact-version' : 'artifact-create',
          actor: author,
          payload: {
            path,
            kind: 'source',
            language: 'javascript',
            contentHash,
            size: content.length,
            provenance: { source: 'ai', role: 'code-generator' },
          },
        },
      ],
      { blobs: [{ hash: contentHash, content }] },
    );
    return event?.seq ?? 0;
  };
  return { db, engine, projectId, write, changes: createChangeCommands(engine) };
}

const text = async (engine: ReturnType<typeof createEngine>, projectId: string, path: string) => {
  const state = await engine.store.load(projectId);
  const file = state.artifacts.get(path);
  return file ? engine.store.blob(file.contentHash) : undefined;
};

test('a file reverted to an earlier version gets a new version with that content, and the revert can be reverted', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/app.js', 'v1\n');
  await write('src/app.js', 'v2\n');
  await write('src/app.js', 'v3\n');

  const reverted = await changes.revertFile(projectId, 'src/app.js', 1);
  expect(reverted).toEqual({ ok: true, value: { files: [{ path: 'src/app.js', from: 3, to: 1 }], newer: [] } });
  const state = await engine.store.load(projectId);
  expect(state.artifacts.get('src/app.js')?.latest).toBe(4);
  expect(await text(engine, projectId, 'src/app.js')).toBe('v1\n');
  expect(state.artifactVersions.get('src/app.js\u00001')).toBeDefined();

  // Undoing the revert is one more version, never a deletion.
  expect((await changes.revertFile(projectId, 'src/app.js', 3)).ok).toBe(true);
  expect(await text(engine, projectId, 'src/app.js')).toBe('v3\n');
  expect((await engine.store.load(projectId)).artifacts.get('src/app.js')?.latest).toBe(5);

  // Nothing to do is said, not written.
  expect(await changes.revertFile(projectId, 'src/app.js', 5)).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(await changes.revertFile(projectId, '__proto__', 1)).toMatchObject({ ok: false, kind: 'bad_input' });
});

test('the whole project goes back to a point: its tree is the tree then, files made after it deleted and named, and the revert can be reverted', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/app.js', 'app 1\n');
  const point = await write('src/store.js', 'store 1\n');
  await write('src/app.js', 'app 2\n');
  await write('src/store.js', 'store 2\n');
  const before = await write('src/filter.js', 'filter\n');

  const summary = await changes.changeSummary(projectId, point);
  expect(summary.ok && summary.value.sentence).toBe('3 files changed, +3 \u22122');

  const reverted = await changes.revertProject(projectId, point);
  expect(reverted.ok && reverted.value.newer).toEqual(['src/filter.js']);
  expect(await text(engine, projectId, 'src/app.js')).toBe('app 1\n');
  expect(await text(engine, projectId, 'src/store.js')).toBe('store 1\n');

  const diff = await changes.fileDiff(projectId, 'src/app.js', 2);
  expect(diff.ok && diff.value.diff).toMatchObject({ added: 1, removed: 1 });
  // The tree is the tree at the point: the file made after it is deleted, by you, with the reason.
  const state = await engine.store.load(projectId);
  expect(currentFiles(state).map((file) => file.path)).toEqual(['src/app.js', 'src/store.js']);
  expect(state.artifacts.get('src/filter.js')).toMatchObject({ latest: 2, deleted: true });
  const events = await engine.store.read(projectId, point + 1, state.lastSeq);
  const deletion = events.find((event) => event.type === 'artifact-delete');
  expect(deletion && describeEvent(deletion)).toBe(`You deleted src/filter.js: ${madeAfterPoint}.`);
  // Nothing differs from the point any more.
  const afterRevert = await changes.changeSummary(projectId, point);
  expect(afterRevert.ok && afterRevert.value.files.map((file) => file.path)).toEqual([]);
  expect(await changes.revertProject(projectId, 10_000)).toMatchObject({ ok: false });

  // Reverting the revert (to the point just before it) brings every file back as it was, filter.js too.
  const undone = await changes.revertProject(projectId, before);
  expect(undone.ok && undone.value).toEqual({
    files: [
      { path: 'src/app.js', from: 3, to: 2 },
      { path: 'src/store.js', from: 3, to: 2 },
      { path: 'src/filter.js', from: 2, to: 1 },
    ],
    newer: [],
  });
  expect(await text(engine, projectId, 'src/filter.js')).toBe('filter\n');
  expect(await text(engine, projectId, 'src/app.js')).toBe('app 2\n');
});

test('reverts are projections of the log: a rebuild from the log gives the same rows', async () => {
  const { db, projectId, write, changes } = await project();
  await write('a.js', '1\n');
  await write('a.js', '2\n');
  await changes.revertFile(projectId, 'a.js', 1);
  const before = await rowsOf(db, 'artifactVersions', projectId);
  await rebuildReadModels(db, projectId);
  expect(await rowsOf(db, 'artifactVersions', projectId)).toEqual(before);
  expect(before.at(-1)).toMatchObject({ version: 3, provenance: { source: 'user', revertedTo: 1 } });
});

test('a revert planned on a state that something else wrote past is refused, and writes nothing', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/app.js', 'v1\n');
  await write('src/app.js', 'v2\n');
  // Another write lands between the revert reading the project and writing its plan:
  // the revert gets the project as it was read, the log has moved on.
  const load = engine.store.load.bind(engine.store);
  let interleaved = false;
  engine.store.load = async (id: string) => {
    const state = structuredClone(await load(id));
    if (!interleaved) {
      interleaved = true;
      await write('src/app.js', `v${state.artifacts.get('src/app.js')?.latest ?? 0}+\n`);
    }
    return state;
  };
  for (const attempt of [
    () => changes.revertFile(projectId, 'src/app.js', 1),
    () => changes.revertProject(projectId, 2),
  ]) {
    interleaved = false;
    expect(await attempt()).toMatchObject({ ok: false, kind: 'conflict' });
  }
  engine.store.load = load;
  const state = await engine.store.load(projectId);
  expect(state.artifacts.get('src/app.js')?.latest).toBe(4);
  expect(await text(engine, projectId, 'src/app.js')).toBe('v3+\n');
});

test('going back to a version a task wrote means the project as that task left it; review reports stay as they are', async () => {
  const { engine, projectId, changes } = await project();
  const drafts = async (files: [string, string, 'source' | 'review'][], taskId: string) => {
    const blobs = await Promise.all(files.map(async ([, content]) => ({ hash: await sha256Hex(content), content })));
    const state = await engine.store.load(projectId);
    return engine.store.append(
      projectId,
      files.map(([path, content, kind], index) => ({
        type: state.artifacts.has(path) ? ('artifact-version' as const) : ('artifact-create' as const),
        actor: author,
        payload: {
          path,
          kind,
          language: 'javascript',
          contentHash: blobs[index]?.hash ?? '',
          size: content.length,
          provenance: { source: 'ai' as const, role: 'code-generator' as const, taskId, attempt: 1 },
        },
      })),
      { blobs },
    );
  };
  const first = await drafts(
    [
      ['a.js', 'a1\n', 'source'],
      ['b.js', 'b1\n', 'source'],
      ['c.js', 'c1\n', 'source'],
    ],
    'scaffold',
  );
  await drafts(
    [
      ['a.js', 'a2\n', 'source'],
      ['c.js', 'c2\n', 'source'],
      ['d.js', 'd1\n', 'source'],
      ['.orchestra/reviews/review.json', '{}\n', 'review'],
    ],
    'change',
  );
  // The version of a.js, the first file of its task's batch: c.js, written after it by the same task, goes back too.
  const reverted = await changes.revertProject(projectId, first[0]?.seq ?? 0);
  expect(reverted.ok && reverted.value).toEqual({
    files: [
      { path: 'a.js', from: 2, to: 1 },
      { path: 'c.js', from: 2, to: 1 },
    ],
    newer: ['d.js'],
  });
  expect(await text(engine, projectId, 'c.js')).toBe('c1\n');
  const state = await engine.store.load(projectId);
  expect(currentFiles(state).map((file) => file.path)).toEqual([
    'a.js',
    'b.js',
    'c.js',
    '.orchestra/reviews/review.json',
  ]);
});

test('a file deleted at the point and made again since is deleted again by the project revert', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/app.js', 'app 1\n');
  await write('src/old.js', 'old 1\n');
  const deleted = await changes.deleteFile(projectId, 'src/old.js', 'Not used.');
  const point = (await engine.store.load(projectId)).lastSeq;
  expect(deleted).toEqual({ ok: true, value: { path: 'src/old.js', version: 2 } });
  await write('src/old.js', 'old again\n');
  await write('src/new.js', 'new\n');

  const reverted = await changes.revertProject(projectId, point);
  expect(reverted.ok && reverted.value).toEqual({
    files: [{ path: 'src/old.js', from: 3, to: 2 }],
    newer: ['src/new.js'],
  });
  expect(currentFiles(await engine.store.load(projectId)).map((file) => file.path)).toEqual(['src/app.js']);
});
