import 'fake-indexeddb/auto';
import { ulid } from 'ulid';
import { expect, test } from 'vitest';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { createEngine } from '../../../worker/engine.ts';
import type { EventDraft } from '../../../worker/events/catalog.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { rowsOf } from '../../../worker/events/projections/materialize.ts';
import { readModelTables } from '../../../worker/events/projections/project-state.ts';
import { copyName, createHousekeeping } from '../../../worker/projects/housekeeping.ts';
import { createProjectCommands } from '../../../worker/projects/project-commands.ts';

let counter = 0;
function device() {
  const db = new OrchestraDb(`house-${++counter}`);
  const engine = createEngine(db, { snapshotEvery: 5 });
  return { db, engine, house: createHousekeeping(engine) };
}

const system = { kind: 'system', component: 'test' } as const;

/** A small project: a task that streamed, finished and wrote a file, another still running. */
async function sampleProject(engine: ReturnType<typeof createEngine>, fileContent = 'print("hello")\n') {
  const projectId = ulid();
  const checkpointDone = 'partial output of t1';
  const checkpointRunning = 'partial output of t2';
  const [fileHash, doneHash, runningHash] = await Promise.all([
    sha256Hex(fileContent),
    sha256Hex(checkpointDone),
    sha256Hex(checkpointRunning),
  ]);
  const drafts: EventDraft[] = [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Sample <script>alert(1)</script>', description: 'd', template: null, budgetUsd: 2 },
    },
    {
      type: 'task-schedule',
      actor: system,
      payload: { taskId: 't1', role: 'code-generator', title: 'Write it', dependsOn: [] },
    },
    {
      type: 'task-start',
      actor: system,
      payload: { taskId: 't1', attempt: 1, provider: 'anthropic', model: 'claude' },
    },
    {
      type: 'task-checkpoint',
      actor: system,
      payload: { taskId: 't1', attempt: 1, outputChars: checkpointDone.length, textHash: doneHash },
    },
    {
      type: 'artifact-create',
      actor: { kind: 'agent', role: 'code-generator' },
      payload: {
        path: 'main.py',
        kind: 'source',
        language: 'python',
        contentHash: fileHash,
        size: fileContent.length,
        provenance: { source: 'ai', taskId: 't1' },
      },
    },
    {
      type: 'task-complete',
      actor: system,
      payload: { taskId: 't1', attempt: 1, inputTokens: 10, outputTokens: 20, costUsd: 0.01, durationMs: 5 },
    },
    { type: 'task-start', actor: system, payload: { taskId: 't2', attempt: 1, provider: 'openai', model: 'gpt' } },
    {
      type: 'task-checkpoint',
      actor: system,
      payload: { taskId: 't2', attempt: 1, outputChars: checkpointRunning.length, textHash: runningHash },
    },
  ];
  await engine.store.append(projectId, drafts, { blobs: [fileContent, checkpointDone, checkpointRunning] });
  return { projectId, fileHash, doneHash, runningHash };
}

async function everything(db: OrchestraDb, projectId: string) {
  const tables: Record<string, unknown> = {
    project: await db.projects.get(projectId),
    plans: await db.plans.where('projectId').equals(projectId).toArray(),
  };
  for (const table of readModelTables) tables[table] = await rowsOf(db, table, projectId);
  return tables;
}

test('an exported bundle imports on another device with the same log, texts and read models, and no settings', async () => {
  const here = device();
  await here.db.settings.put({ key: 'theme', value: 'dark', updatedAt: 1 });
  const { projectId, fileHash } = await sampleProject(here.engine);
  const exported = await here.house.exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  expect(exported.value.fileName).toBe('sample-script-alert-1-script.orchestra.json');
  expect(exported.value.text).not.toMatch(/"theme"|settings/);

  const there = device();
  expect(await there.house.importProject(exported.value.text)).toEqual({ ok: true, value: { projectId, events: 8 } });
  expect(await there.engine.store.read(projectId)).toEqual(await here.engine.store.read(projectId));
  expect(await everything(there.db, projectId)).toEqual(await everything(here.db, projectId));
  expect(await there.engine.store.blob(fileHash)).toBe('print("hello")\n');
  expect(await there.db.snapshots.where('projectId').equals(projectId).count()).toBe(1);
});

test('a project already on the device is refused, or imported as a copy with new ids', async () => {
  const { engine, house, db } = device();
  const { projectId } = await sampleProject(engine);
  const exported = await house.exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  expect(await house.importProject(exported.value.text)).toMatchObject({
    ok: false,
    kind: 'bad_input',
    message: expect.stringContaining('already on this device') as string,
  });
  const copy = await house.importProject(exported.value.text, { asCopy: true });
  expect(copy.ok).toBe(true);
  const copyId = copy.ok ? copy.value.projectId : '';
  expect(copyId).not.toBe(projectId);
  // The copy has the original's history, then its rename: it is named "… (copy)" (issue 20, point 9).
  expect((await engine.store.read(copyId)).map((event) => event.type)).toEqual([
    ...(await engine.store.read(projectId)).map((event) => event.type),
    'project-update',
  ]);
  expect(await db.projects.count()).toBe(2);
  const names = (await db.projects.toArray()).map((project) => project.name).sort();
  const original = (await db.projects.get(projectId))?.name ?? '';
  expect(names).toEqual([original, `${original} (copy)`].sort());
  expect(copyName(`${original} (copy)`)).toBe(`${original} (copy)`);
  expect(copyName('x'.repeat(300))).toHaveLength(200);
});

test('corrupt, truncated, oversized, altered and hostile files are refused with a clear message, changing nothing', async () => {
  const here = device();
  const { projectId } = await sampleProject(here.engine);
  const exported = await here.house.exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  const text = exported.value.text;
  const bundle = JSON.parse(text) as { events: Record<string, unknown>[]; blobs: { hash: string; content: string }[] };
  const variants: [string, string, RegExp][] = [
    ['truncated', text.slice(0, Math.floor(text.length / 2)), /not valid JSON/],
    ['not a bundle', JSON.stringify({ hello: 'world' }), /not an Orchestra project bundle/],
    ['oversized', ' '.repeat(64 * 1024 * 1024 + 1), /too large/],
    [
      'altered text',
      JSON.stringify({ ...bundle, blobs: bundle.blobs.map((blob) => ({ ...blob, content: `${blob.content}!` })) }),
      /does not match its checksum/,
    ],
    [
      'missing event',
      JSON.stringify({ ...bundle, events: bundle.events.filter((_, index) => index !== 3) }),
      /missing or out of order/,
    ],
    [
      'invalid event',
      JSON.stringify({
        ...bundle,
        events: bundle.events.map((event, index) => (index === 2 ? { ...event, payload: { taskId: 't1' } } : event)),
      }),
      /Event 3 of this project is damaged/,
    ],
    [
      'foreign event',
      JSON.stringify({
        ...bundle,
        events: bundle.events.map((event, index) => (index === 1 ? { ...event, projectId: ulid() } : event)),
      }),
      /belongs to another project/,
    ],
    ['missing file text', JSON.stringify({ ...bundle, blobs: [] }), /content of main\.py is missing/],
  ];
  const there = device();
  for (const [name, file, message] of variants) {
    const result = await there.house.importProject(file);
    expect(result, name).toMatchObject({ ok: false, kind: 'bad_input' });
    expect(!result.ok && result.message, name).toMatch(message);
  }
  expect(await there.db.commits.count()).toBe(0);
  expect(await there.db.texts.count()).toBe(0);
  expect(await there.db.projects.count()).toBe(0);

  // `__proto__` keys in a file are plain data: they neither pollute nor survive the import.
  const hostile = text.replace('"format"', '"__proto__":{"polluted":true},"format"');
  expect((await there.house.importProject(hostile)).ok).toBe(true);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

test('deleting a project removes its events, read models and the texts no other project uses', async () => {
  const { db, engine, house } = device();
  const shared = 'shared = True\n';
  const kept = await sampleProject(engine, shared);
  const gone = await sampleProject(engine, shared);
  expect(await house.deleteProject(gone.projectId)).toEqual({ ok: true, value: { projectId: gone.projectId } });
  expect(await engine.store.read(gone.projectId)).toEqual([]);
  for (const [table, rows] of Object.entries(await everything(db, gone.projectId))) {
    expect(rows, table).toEqual(table === 'project' ? undefined : []);
  }
  expect(await db.snapshots.where('projectId').equals(gone.projectId).count()).toBe(0);
  // The file text is shared with the other project, so it stays; the other project is untouched.
  expect(await engine.store.blob(kept.fileHash)).toBe(shared);
  expect((await engine.store.read(kept.projectId)).length).toBe(8);
  expect(await house.deleteProject(gone.projectId)).toMatchObject({ ok: false, kind: 'not_found' });
});

test('compaction drops checkpoint texts of finished tasks only, and the log still replays', async () => {
  const { engine, house } = device();
  const { projectId, doneHash, runningHash, fileHash } = await sampleProject(engine);
  expect(await house.compactProject(projectId)).toEqual({
    ok: true,
    value: { textsRemoved: 1, bytesFreed: 'partial output of t1'.length },
  });
  expect(await engine.store.blob(doneHash)).toBeUndefined();
  expect(await engine.store.blob(runningHash)).toBe('partial output of t2');
  expect(await engine.store.blob(fileHash)).toBeDefined();
  expect((await engine.store.read(projectId)).length).toBe(8);
  // A compacted project still exports and imports: checkpoint texts may be missing.
  const exported = await house.exportProject(projectId);
  if (!exported.ok) throw new Error(exported.message);
  expect((await device().house.importProject(exported.value.text)).ok).toBe(true);
});

test('a file’s text is read back by path and version', async () => {
  const { engine } = device();
  const { projectId } = await sampleProject(engine, 'print(1)\n');
  const commands = createProjectCommands(engine);
  expect(await commands.artifactContent(projectId, 'main.py')).toEqual({ ok: true, value: 'print(1)\n' });
  expect(await commands.artifactContent(projectId, 'main.py', 1)).toEqual({ ok: true, value: 'print(1)\n' });
  expect(await commands.artifactContent(projectId, 'main.py', 2)).toMatchObject({ ok: false, kind: 'not_found' });
  expect(await commands.artifactContent(projectId, '../etc/passwd')).toMatchObject({ ok: false, kind: 'not_found' });
});

test('storage usage is reported per project', async () => {
  const { engine, house } = device();
  const { projectId } = await sampleProject(engine);
  const usage = await house.storageUsage();
  expect(usage).toMatchObject({ ok: true, value: [{ projectId, events: 8 }] });
  const [row] = usage.ok ? usage.value : [];
  expect(row?.eventBytes).toBeGreaterThan(1000);
  expect(row?.blobBytes).toBe(
    'print("hello")\n'.length + 'partial output of t1'.length + 'partial output of t2'.length,
  );
  expect(row?.snapshotBytes).toBeGreaterThan(0);
});
