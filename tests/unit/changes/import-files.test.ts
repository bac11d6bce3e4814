import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import JSZip from 'jszip';
import { buildProjectZip } from '../../../worker/artifacts/zip.ts';
import { isBinaryArtifact } from '../../../worker/changes/binary-file.ts';
import { createChangeCommands } from '../../../worker/changes/change-commands.ts';
import { prepareImport, readZip, textOf } from '../../../worker/changes/import-files.ts';
import { OrchestraDb } from '../../../worker/db/database.ts';
import { fromBase64 } from '../../../worker/sync/base64url.ts';
import { createEngine } from '../../../worker/engine.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe, 0x80]);

test('text keeps its exact bytes (BOM, CRLF, unicode); invalid UTF-8 and NULs are binary', () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a\r\nb é 👋\n')]);
  const text = textOf(bom);
  expect(text).not.toBeNull();
  expect(new TextEncoder().encode(text ?? '')).toEqual(bom);
  expect(textOf(png)).toBeNull();
  expect(textOf(new Uint8Array([0x61, 0xc3]))).toBeNull();
});

test('gitignore (nested too), repository folders, limits and hostile paths decide what comes in', () => {
  const files = [
    { path: 'proj/.gitignore', bytes: utf8('dist/\n*.log\n!keep.log\n') },
    { path: 'proj/src/app.js', bytes: utf8('x') },
    { path: 'proj/dist/bundle.js', bytes: utf8('x') },
    { path: 'proj/debug.log', bytes: utf8('x') },
    { path: 'proj/keep.log', bytes: utf8('x') },
    { path: 'proj/web/.gitignore', bytes: utf8('cache/\n') },
    { path: 'proj/web/cache/a.txt', bytes: utf8('x') },
    { path: 'proj/cache/b.txt', bytes: utf8('x') },
    { path: 'proj/.git/config', bytes: utf8('x') },
    { path: 'proj/node_modules/x/index.js', bytes: utf8('x') },
    { path: 'proj/../evil.sh', bytes: utf8('x') },
    { path: 'proj/src/App.js', bytes: utf8('x') },
    { path: 'proj/big.bin', bytes: new Uint8Array(200) },
    { path: 'proj/img/logo.png', bytes: png },
  ];
  const result = prepareImport(files, { maxFiles: 100, maxFileBytes: 100, maxTotalBytes: 10_000 });
  expect(result.files.map((file) => [file.path, file.binary])).toEqual([
    ['.gitignore', false],
    ['src/app.js', false],
    ['keep.log', false],
    ['web/.gitignore', false],
    ['cache/b.txt', false],
    ['img/logo.png', true],
  ]);
  // A binary file is kept as base64 of its exact bytes.
  expect(fromBase64(result.files.at(-1)?.content ?? '')).toEqual(png);
  const reasons = new Map(result.skipped.map((entry) => [entry.path, entry.reason]));
  expect(reasons.get('dist/bundle.js')).toMatch(/ignored by \.gitignore/);
  expect(reasons.get('web/cache/a.txt')).toMatch(/ignored by \.gitignore/);
  expect(reasons.get('.git/config')).toMatch(/repository or package data/);
  expect(reasons.get('../evil.sh')).toMatch(/climbs out/);
  expect(reasons.get('src/App.js')).toMatch(/differing only by case/);
  expect(reasons.get('big.bin')).toMatch(/files over/);
  const limited = prepareImport(
    [
      { path: 'a', bytes: utf8('1') },
      { path: 'b', bytes: utf8('2') },
    ],
    {
      maxFiles: 1,
      maxFileBytes: 10,
      maxTotalBytes: 10,
    },
  );
  expect(limited.skipped[0]?.reason).toMatch(/limit of 1 files/);
});

test('a ZIP brought in becomes a project whose exported files match byte for byte', async () => {
  const engine = createEngine(new OrchestraDb('import-zip'));
  const changes = createChangeCommands(engine);
  const originals = new Map<string, Uint8Array>([
    ['README.md', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('# Notes\r\n')])],
    ['src/notes.js', utf8('export const notes = ["café", "👋"];\n')],
    ['assets/icon.png', png],
    ['empty.txt', new Uint8Array()],
  ]);
  const zip = new JSZip();
  for (const [path, bytes] of originals) zip.file(`notes/${path}`, bytes);
  zip.file('notes/C:\\Windows\\evil.txt', 'x');
  const bytes = await zip.generateAsync({ type: 'uint8array' });

  const done = await changes.importFiles({ name: 'Notes', description: 'Brought in', source: { kind: 'zip', bytes } });
  expect(done.ok).toBe(true);
  if (!done.ok) return;
  expect(done.value).toMatchObject({ files: 4, binary: 1 });
  expect(done.value.skipped.map((entry) => entry.reason).join(' ')).toMatch(/names a Windows drive/);

  const state = await engine.store.load(done.value.projectId);
  const stored = [];
  for (const artifact of state.artifacts.values()) {
    const content = (await engine.store.blob(artifact.contentHash)) ?? '';
    stored.push({ path: artifact.path, content, binary: isBinaryArtifact(state, artifact) });
    expect(state.artifactVersions.get(`${artifact.path}\u00001`)?.provenance).toEqual({ source: 'user' });
  }
  const exported = await buildProjectZip({ projectName: 'Notes', files: stored, orchestraMd: '# record' });
  const back = await readZip(exported.bytes);
  expect(back.ok).toBe(true);
  if (!back.ok) return;
  const roundTrip = new Map(back.files.map((file) => [file.path.replace(/^notes\//, ''), file.bytes]));
  for (const [path, original] of originals) expect(roundTrip.get(path), path).toEqual(original);
});

test('a file that is not a ZIP, or a ZIP of nothing usable, is refused with a sentence', async () => {
  const changes = createChangeCommands(createEngine(new OrchestraDb('import-bad')));
  const notZip = await changes.importFiles({ name: 'X', description: '', source: { kind: 'zip', bytes: utf8('no') } });
  expect(notZip).toMatchObject({ ok: false, kind: 'bad_input' });
  expect(!notZip.ok && notZip.message).toMatch(/not a ZIP/);
  const hostile = await changes.importFiles({
    name: 'X',
    description: '',
    source: { kind: 'files', files: [{ path: '../x', bytes: utf8('x') }] },
  });
  expect(!hostile.ok && hostile.message).toMatch(/^Nothing could be brought in: .*climbs/);
  expect(await changes.importFiles({ name: ' ', description: '', source: { kind: 'files', files: [] } })).toMatchObject(
    { ok: false, message: 'Give the project a name.' },
  );
});

test('an imported folder or ZIP passes every name through the one path rule: 8.3 aliases, invisible and bidi characters, device names', async () => {
  const hostile = [
    'GIT~1/hooks/post-checkout',
    'PROGRA~1/x.txt',
    '.g\u200cit/config',
    'src/\u200bapp.js',
    'docs/report\u202etxt.exe',
    'COM\u00b9.txt',
    'lpt\u00b2',
    'CONIN$',
    'src/CONOUT$.js',
  ];
  const files = [
    { path: 'proj/src/ok.js', bytes: utf8('ok') },
    ...hostile.map((path) => ({ path: `proj/${path}`, bytes: utf8('x') })),
  ];
  const fromFolder = prepareImport(files, { maxFiles: 100, maxFileBytes: 100, maxTotalBytes: 10_000 });
  expect(fromFolder.files.map((file) => file.path)).toEqual(['src/ok.js']);
  expect(fromFolder.skipped.map((entry) => entry.path).sort()).toEqual([...hostile].sort());
  for (const entry of fromFolder.skipped) expect(entry.reason.length, entry.path).toBeGreaterThan(10);

  // The same names inside a ZIP (written raw with JSZip: our own export would refuse them).
  const raw = new JSZip();
  for (const file of files) raw.file(file.path, file.bytes);
  const read = await readZip(await raw.generateAsync({ type: 'uint8array' }));
  if (!read.ok) throw new Error(read.message);
  const fromZip = prepareImport(read.files, { maxFiles: 100, maxFileBytes: 100, maxTotalBytes: 10_000 });
  expect(fromZip.files.map((file) => file.path)).toEqual(['src/ok.js']);
  const refused = [...read.skipped, ...fromZip.skipped].map((entry) => entry.path);
  expect(refused.sort()).toEqual([...hostile].sort());
});
