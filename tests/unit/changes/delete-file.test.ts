import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { currentFiles } from '../../../worker/artifacts/project-tree.ts';
import { createChangeCommands } from '../../../worker/changes/change-commands.ts';
import { deleteDraft, deletion } from '../../../worker/changes/delete-file.ts';
import { changeHistory } from '../../../worker/changes/history.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import { readBundle } from '../../../worker/events/bundle.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { rowsOf } from '../../../worker/events/projections/materialize.ts';
import { rebuildReadModels } from '../../../worker/events/replay.ts';
import { InvalidEventError, parsePayload } from '../../../worker/events/validate.ts';
import { createHousekeeping } from '../../../worker/projects/housekeeping.ts';
import { toProjectView } from '../../../worker/projects/project-view.ts';
import { describeEvent } from '../../../worker/query/describe-event.ts';

let counter = 0;
const author = { kind: 'agent', role: 'code-generator' } as const;

async function project() {
  const db = new OrchestraDb(`delete-${++counter}`);
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

const paths = async (engine: ReturnType<typeof createEngine>, projectId: string) =>
  currentFiles(await engine.store.load(projectId)).map((file) => file.path);

test('a deleted file leaves the tree and the view, its history keeps every version, and a rebuild folds the same rows', async () => {
  const { db, engine, projectId, write, changes } = await project();
  await write('src/app.js', 'app\n');
  await write('src/old.js', 'one\ntwo\n');
  await write('src/old.js', 'one\ntwo\nthree\n');

  expect(await changes.deleteFile(projectId, 'src/old.js', 'Replaced by src/app.js.')).toEqual({
    ok: true,
    value: { path: 'src/old.js', version: 3 },
  });
  const state = await engine.store.load(projectId);
  expect(await paths(engine, projectId)).toEqual(['src/app.js']);
  expect(state.artifactVersions.get('src/old.js\u00003')).toMatchObject({
    version: 3,
    size: 0,
    deleted: { reason: 'Replaced by src/app.js.' },
    provenance: { source: 'user' },
  });
  expect(state.artifactVersions.get('src/old.js\u00002')).toMatchObject({ version: 2, size: 14 });
  const view = toProjectView(state);
  expect(view?.artifacts.map((file) => file.path)).toEqual(['src/app.js']);
  expect(view?.deletedArtifacts.map((file) => file.path)).toEqual(['src/old.js']);
  // A test run from before the deletion no longer describes the project.
  expect(state.project?.sourcesSeq).toBe(state.lastSeq);

  // The deletion's diff removes every line; the change summary names it deleted.
  const diff = await changes.fileDiff(projectId, 'src/old.js', 2, 3);
  expect(diff.ok && diff.value.diff).toMatchObject({ added: 0, removed: 3 });
  const summary = await changes.changeSummary(projectId, 4);
  expect(summary.ok && summary.value).toMatchObject({
    files: [{ path: 'src/old.js', status: 'deleted', added: 0, removed: 3 }],
    sentence: '1 file changed, +0 \u22123',
  });
  // Made and deleted since the point: the change did nothing to it.
  const whole = await changes.changeSummary(projectId, 2);
  expect(whole.ok && whole.value.files).toEqual([]);

  const before = await rowsOf(db, 'artifacts', projectId);
  const versions = await rowsOf(db, 'artifactVersions', projectId);
  await rebuildReadModels(db, projectId);
  expect(await rowsOf(db, 'artifacts', projectId)).toEqual(before);
  expect(await rowsOf(db, 'artifactVersions', projectId)).toEqual(versions);
});

test('a file written again after its deletion comes back as a new version, even with the same content', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('a.js', 'same\n');
  await changes.deleteFile(projectId, 'a.js', 'not needed');
  await write('a.js', 'same\n');
  const state = await engine.store.load(projectId);
  expect(state.artifacts.get('a.js')).toMatchObject({ latest: 3, contentHash: await sha256Hex('same\n') });
  expect(state.artifacts.get('a.js')?.deleted).toBeUndefined();
  expect(await paths(engine, projectId)).toEqual(['a.js']);
  const history = changeHistory([...state.artifactVersions.values()], []);
  expect(history.map(({ kind, added, modified, deleted }) => ({ kind, added, modified, deleted }))).toEqual([
    { kind: 'run', added: ['a.js'], modified: [], deleted: [] },
    { kind: 'edit', added: [], modified: [], deleted: ['a.js'] },
    { kind: 'run', added: ['a.js'], modified: [], deleted: [] },
  ]);
  const summary = await changes.changeSummary(projectId, 3);
  expect(summary.ok && summary.value.files).toEqual([{ path: 'a.js', status: 'added', added: 1, removed: 0 }]);
});

test('deleting a path that is not a file of the project is refused with the reason, and writes nothing', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/App.js', 'app\n');
  await write('gone.js', 'x\n');
  await changes.deleteFile(projectId, 'gone.js', 'old');
  const head = (await engine.store.load(projectId)).lastSeq;

  const refusals = await Promise.all([
    changes.deleteFile(projectId, 'src/missing.js', 'r'),
    changes.deleteFile(projectId, 'src/app.js', 'r'),
    changes.deleteFile(projectId, 'gone.js', 'r'),
    changes.deleteFile(projectId, '../etc/passwd', 'r'),
    changes.deleteFile(projectId, '/src/App.js', 'r'),
    changes.deleteFile(projectId, 'src/%2e%2e/App.js', 'r'),
  ]);
  expect(refusals.map((result) => (result.ok ? 'written' : result.message))).toEqual([
    'src/missing.js cannot be deleted: the project has no such file.',
    'src/app.js cannot be deleted: it does not exist; the project has src/App.js (paths are case-sensitive).',
    'gone.js cannot be deleted: it was deleted already.',
    expect.stringMatching(/climbs/),
    expect.stringMatching(/absolute/),
    expect.stringMatching(/percent-encoded/),
  ]);
  expect((await engine.store.load(projectId)).lastSeq).toBe(head);
  expect(await paths(engine, projectId)).toEqual(['src/App.js']);
});

test('deletion only checks the path; deleteDraft is the one event every deleter writes', async () => {
  const { engine, projectId, write } = await project();
  await write('src/old.js', 'x\n');
  const state = await engine.store.load(projectId);
  // The check answers for the path alone: no event with a made-up actor to throw away.
  expect(deletion(state, './src/old.js')).toEqual({ ok: true, path: 'src/old.js' });
  expect(deletion(state, 'src/none.js')).toEqual({
    ok: false,
    message: 'src/none.js cannot be deleted: the project has no such file.',
  });
  expect(deleteDraft('src/old.js', '  not\n needed  ', { source: 'ai', taskId: 't1' }, author)).toEqual({
    type: 'artifact-delete',
    actor: author,
    payload: { path: 'src/old.js', reason: 'not needed', provenance: { source: 'ai', taskId: 't1' } },
  });
  expect(deleteDraft('src/old.js', ' ', { source: 'user' }, { kind: 'user' })).toMatchObject({
    payload: { reason: 'No reason was given' },
  });
});

test('the event refuses hostile or non-canonical paths; a deletion of a missing file folds as nothing', async () => {
  for (const path of ['../x.js', '/etc/passwd', 'C:/x.js', 'src//a.js', 'a\u202egnp.exe', 'con.txt', '']) {
    expect(() => parsePayload('artifact-delete', { path, reason: 'r', provenance: { source: 'ai' } })).toThrow(
      InvalidEventError,
    );
  }
  expect(() => parsePayload('artifact-delete', { path: 'a.js', reason: '', provenance: { source: 'ai' } })).toThrow(
    InvalidEventError,
  );
  const { engine, projectId, write } = await project();
  await write('kept.js', 'k\n');
  // Straight to the log (as a synced or imported event could come): the fold must be total.
  await engine.store.append(projectId, [
    {
      type: 'artifact-delete',
      actor: author,
      payload: { path: 'never.js', reason: 'r', provenance: { source: 'ai' } },
    },
  ]);
  const state = await engine.store.load(projectId);
  expect([...state.artifacts.keys()]).toEqual(['kept.js']);
  expect(state.artifactVersions.size).toBe(1);
});

test('a revert to a point before the deletion brings the file back; a revert to the deletion deletes it again', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/app.js', 'app 1\n');
  const point = await write('src/util.js', 'util 1\n');
  await write('src/app.js', 'app 2\n');
  await changes.deleteFile(projectId, 'src/util.js', 'inlined into app.js');
  expect(await paths(engine, projectId)).toEqual(['src/app.js']);

  const reverted = await changes.revertProject(projectId, point);
  expect(reverted).toEqual({
    ok: true,
    value: {
      files: [
        { path: 'src/app.js', from: 2, to: 1 },
        { path: 'src/util.js', from: 2, to: 1 },
      ],
      newer: [],
    },
  });
  const state = await engine.store.load(projectId);
  const util = state.artifacts.get('src/util.js');
  expect(util).toMatchObject({ latest: 3, contentHash: await sha256Hex('util 1\n') });
  expect(util?.deleted).toBeUndefined();
  expect(await engine.store.blob(util?.contentHash ?? '')).toBe('util 1\n');

  // The deletion was version 2: going back to it is deleting again, and says so.
  expect(await changes.revertFile(projectId, 'src/util.js', 2)).toMatchObject({ ok: true });
  expect(await paths(engine, projectId)).toEqual(['src/app.js']);
  expect(await changes.revertFile(projectId, 'src/util.js', 2)).toMatchObject({
    ok: false,
    message: 'src/util.js is already as it was in version 2.',
  });
  // A file deleted now that did not exist at the point is not "kept": it is not there.
  const first = (await engine.store.load(projectId)).artifactVersions.get('src/app.js\u00001')?.seq ?? 0;
  await write('src/app.js', 'app 3\n');
  const early = await changes.revertProject(projectId, first);
  expect(early.ok && early.value).toEqual({ files: [{ path: 'src/app.js', from: 4, to: 1 }], newer: [] });
});

test('a bundle carries a deletion and re-checks its path; the feed says what went and why', async () => {
  const { engine, projectId, write, changes } = await project();
  await write('src/old.js', 'old\n');
  await changes.deleteFile(projectId, 'src/old.js', 'Replaced by src/new.js.');
  const exported = await createHousekeeping(engine).exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  const bundle = await readBundle(exported.value.text);
  const deletion = bundle.events.at(-1);
  expect(deletion?.type).toBe('artifact-delete');
  if (deletion) expect(describeEvent(deletion)).toBe('You deleted src/old.js: Replaced by src/new.js.');

  const other = createEngine(new OrchestraDb(`delete-${++counter}`));
  expect(await createHousekeeping(other).importProject(exported.value.text)).toMatchObject({ ok: true });
  expect(currentFiles(await other.store.load(projectId))).toEqual([]);

  const hostile = JSON.parse(exported.value.text) as { events: { type: string; payload: { path: string } }[] };
  const last = hostile.events.at(-1);
  if (last) last.payload.path = '../../.bashrc';
  await expect(readBundle(JSON.stringify(hostile))).rejects.toThrow(/Event 3 of this project is damaged: .*climbs/);
});
