import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  applyEditBlocks,
  applyEditsToText,
  editBlockSchema,
  editRepairLines,
} from '../../../worker/changes/edit-blocks.ts';

const app = ['import { list } from "./store.js";', '', 'export function show() {', '  return list();', '}', ''].join(
  '\n',
);

describe('applyEditsToText', () => {
  test('an exact, unique search text is replaced and nothing else moves', () => {
    const result = applyEditsToText(app, [{ search: '  return list();', replace: '  return list().filter(Boolean);' }]);
    expect(result).toEqual({ ok: true, text: app.replace('list();', 'list().filter(Boolean);') });
  });

  test('several blocks in one file are placed against the original, whatever their order', () => {
    const blocks = [
      { search: 'export function show() {', replace: 'export function show(status) {' },
      { search: 'import { list }', replace: 'import { list, byStatus }' },
    ];
    const forward = applyEditsToText(app, blocks);
    const backward = applyEditsToText(app, [...blocks].reverse());
    expect(forward.ok && forward.text).toContain('import { list, byStatus }');
    expect(forward.ok && forward.text).toContain('show(status)');
    expect(backward).toEqual(forward);
  });

  test('a missing search text is refused with the reason, and a near miss says where', () => {
    const missing = applyEditsToText(app, [{ search: 'return items();', replace: 'x' }]);
    expect(missing).toMatchObject({ ok: false, problems: [{ kind: 'not-found', index: 0 }] });
    expect(!missing.ok && missing.problems[0]?.message).toMatch(/not in the file/);

    const spacing = applyEditsToText(app, [{ search: 'return list();\n}', replace: 'x' }]);
    // Found only when indentation is ignored: the message names the lines.
    const sameIndent = applyEditsToText(app, [{ search: '    return list();', replace: 'x' }]);
    expect(spacing.ok).toBe(true);
    expect(sameIndent).toMatchObject({ ok: false, problems: [{ kind: 'not-found' }] });
    expect(!sameIndent.ok && sameIndent.problems[0]?.message).toMatch(/lines 4 match .*spaces and indentation/);
  });

  test('an ambiguous search text is refused, naming the lines it matches', () => {
    const text = 'let a = 1;\nlet b = 1;\nlet c = 1;\n';
    const result = applyEditsToText(text, [{ search: ' = 1;', replace: ' = 2;' }]);
    expect(result).toMatchObject({ ok: false, problems: [{ kind: 'ambiguous', index: 0 }] });
    expect(!result.ok && result.problems[0]?.message).toMatch(/matches 3 places \(lines 1, 2, 3\)/);
    // Overlapping occurrences count: "aa" is twice in "aaa".
    expect(applyEditsToText('aaa', [{ search: 'aa', replace: 'b' }])).toMatchObject({
      ok: false,
      problems: [{ kind: 'ambiguous' }],
    });
  });

  test('overlapping blocks are refused; blocks that only touch are applied', () => {
    const overlapping = applyEditsToText(app, [
      { search: 'export function show() {\n  return', replace: 'x' },
      { search: '  return list();', replace: 'y' },
    ]);
    expect(overlapping).toMatchObject({ ok: false, problems: [{ kind: 'overlap', index: 1 }] });
    expect(!overlapping.ok && overlapping.problems[0]?.message).toMatch(/overlaps edits\[0\]/);
    const same = applyEditsToText(app, [
      { search: 'show', replace: 'a' },
      { search: 'show', replace: 'b' },
    ]);
    expect(same).toMatchObject({ ok: false, problems: [{ kind: 'overlap' }] });
    expect(
      applyEditsToText('ab', [
        { search: 'a', replace: '1' },
        { search: 'b', replace: '2' },
      ]),
    ).toEqual({ ok: true, text: '12' });
  });

  test('a CRLF file edited with LF blocks stays CRLF throughout', () => {
    const crlf = app.replace(/\n/g, '\r\n');
    const result = applyEditsToText(crlf, [
      {
        search: 'export function show() {\n  return list();',
        replace: 'export function show() {\n  // all\n  return list();',
      },
    ]);
    expect(result.ok).toBe(true);
    const text = result.ok ? result.text : '';
    expect(text).toContain('{\r\n  // all\r\n  return');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    // And a CRLF block on an LF file is read as LF.
    expect(applyEditsToText('a\nb\n', [{ search: 'a\r\nb', replace: 'A\r\nB' }])).toEqual({ ok: true, text: 'A\nB\n' });
  });

  test('unicode: astral characters, combining marks and right-to-left text are matched whole', () => {
    const text = 'const greeting = "héllo 👋 שלום";\nconst café = "☕";\n';
    const result = applyEditsToText(text, [
      { search: '👋 שלום', replace: '🌍 مرحبا' },
      { search: 'café = "☕"', replace: 'café = "🍵"' },
    ]);
    expect(result).toEqual({ ok: true, text: 'const greeting = "héllo 🌍 مرحبا";\nconst café = "🍵";\n' });
    // Half a surrogate pair would cut the emoji in two.
    const half = applyEditsToText(text, [{ search: '\uDC4B', replace: 'x' }]);
    expect(half).toMatchObject({ ok: false, problems: [{ kind: 'broken-unicode' }] });
    // The same word in another normal form (e + combining acute) is not silently matched.
    const decomposed = applyEditsToText(text, [{ search: 'he\u0301llo', replace: 'hi' }]);
    expect(decomposed).toMatchObject({ ok: false, problems: [{ kind: 'not-found' }] });
    expect(!decomposed.ok && decomposed.problems[0]?.message).toMatch(/Unicode form/);
  });

  test('an empty search text only fills an empty file', () => {
    expect(applyEditsToText('', [{ search: '', replace: 'hello\n' }])).toEqual({ ok: true, text: 'hello\n' });
    expect(applyEditsToText('x', [{ search: '', replace: 'y' }])).toMatchObject({
      ok: false,
      problems: [{ kind: 'empty-search' }],
    });
  });
});

describe('applyEditBlocks', () => {
  const files = new Map([
    ['src/app.js', app],
    ['src/store.js', 'export const items = [];\nexport function list() {\n  return items;\n}\n'],
  ]);

  test('edits across files come back as before/after pairs', () => {
    const result = applyEditBlocks(files, [
      { path: 'src/app.js', search: 'show()', replace: 'show(status)' },
      { path: './src/store.js', search: '  return items;', replace: '  return [...items];' },
      { path: 'src/app.js', search: 'list();', replace: 'list(status);' },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files.map((file) => [file.path, file.blocks])).toEqual([
      ['src/app.js', 2],
      ['src/store.js', 1],
    ]);
    expect(result.files[0]?.after).toContain('show(status) {\n  return list(status);');
    expect(result.files[0]?.before).toBe(app);
  });

  test('every problem is reported at once, in the order of the edits, for one repair turn', () => {
    const result = applyEditBlocks(
      files,
      [
        { path: 'src/missing.js', search: 'a', replace: 'b' },
        { path: '../etc/passwd', search: 'root', replace: 'x' },
        { path: 'src/App.js', search: 'show', replace: 'x' },
        { path: 'src/store.js', search: 'items', replace: 'x' },
        { path: 'src/app.js', search: 'show', replace: 'x' },
      ],
      ['src/app.js'],
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.kind)).toEqual([
      'missing-file',
      'unsafe-path',
      'missing-file',
      'ambiguous',
      'whole-and-edited',
    ]);
    const lines = editRepairLines(result.problems);
    expect(lines[0]).toMatch(/^edits\[0\] \(src\/missing\.js\): .*send it whole in "files"/);
    expect(lines[2]).toMatch(/did you mean src\/app\.js\?/);
    expect(lines[3]).toMatch(/^edits\[3\] \(src\/store\.js\): matches 2 places/);
  });

  test('two tasks editing one file: the second applies to the first one’s result, and a clash is sent back', () => {
    const first = applyEditBlocks(files, [{ path: 'src/app.js', search: 'show()', replace: 'show(status)' }]);
    expect(first.ok).toBe(true);
    const afterFirst = new Map(files);
    if (first.ok) for (const file of first.files) afterFirst.set(file.path, file.after);
    // The second task saw the file before the first edit: its other block still fits.
    const second = applyEditBlocks(afterFirst, [
      { path: 'src/app.js', search: 'import { list }', replace: 'import { list as all }' },
    ]);
    expect(second.ok && second.files[0]?.after).toMatch(/^import \{ list as all \}.*show\(status\)/s);
    // A block quoting what the first task changed no longer matches: the reason goes back.
    const clash = applyEditBlocks(afterFirst, [{ path: 'src/app.js', search: 'show() {', replace: 'display() {' }]);
    expect(clash).toMatchObject({ ok: false, problems: [{ kind: 'not-found', path: 'src/app.js' }] });
  });

  test('model-chosen paths never act as object keys', () => {
    const result = applyEditBlocks(new Map([['src/a.js', 'x']]), [
      { path: '__proto__', search: 'a', replace: 'b' },
      { path: 'constructor', search: 'a', replace: 'b' },
    ]);
    expect(result).toMatchObject({ ok: false, problems: [{ kind: 'missing-file' }, { kind: 'missing-file' }] });
  });

  test('the schema takes edits as the agent sends them', () => {
    expect(editBlockSchema.safeParse({ path: 'a.js', search: 'x', replace: '' }).success).toBe(true);
    expect(editBlockSchema.safeParse({ path: '', search: 'x', replace: '' }).success).toBe(false);
  });
});

describe('properties', () => {
  // Lines of a few distinct words: texts with repeats, so uniqueness is sometimes false.
  const line = fc
    .array(fc.constantFrom('a', 'b', 'let', ' ', 'é', '👋', '=', '1'), { maxLength: 6 })
    .map((parts) => parts.join(''));
  const text = fc.array(line, { minLength: 1, maxLength: 12 }).map((lines) => lines.join('\n'));

  test('a search text found once is replaced exactly there; otherwise nothing is changed', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), fc.string({ maxLength: 5 }), (body, a, b, replace) => {
        const start = a % (body.length + 1);
        const end = Math.min(body.length, start + 1 + (b % 12));
        const search = body.slice(start, end);
        fc.pre(search !== '');
        const result = applyEditsToText(body, [{ search, replace }]);
        const count = body.split(search).length - 1;
        const overlapping = [...body].some(
          (_, at) => body.startsWith(search, at) && body.indexOf(search, at + 1) !== -1,
        );
        if (result.ok) {
          expect(count).toBe(1);
          expect(overlapping).toBe(false);
          expect(result.text).toBe(
            body.slice(0, body.indexOf(search)) + replace + body.slice(body.indexOf(search) + search.length),
          );
        } else {
          expect(result.problems[0]?.kind).toMatch(/ambiguous|broken-unicode/);
        }
      }),
    );
  });

  test('a CRLF file gives the CRLF form of what its LF twin gives', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), line, (body, a, b, replaceLine) => {
        const lines = body.split('\n');
        const from = a % lines.length;
        const to = Math.min(lines.length, from + 1 + (b % 3));
        const search = lines.slice(from, to).join('\n');
        fc.pre(search !== '' && body.includes('\n'));
        const replace = `${replaceLine}\n${replaceLine}`;
        const lf = applyEditsToText(body, [{ search, replace }]);
        const crlf = applyEditsToText(body.replace(/\n/g, '\r\n'), [{ search, replace }]);
        expect(crlf.ok).toBe(lf.ok);
        if (lf.ok && crlf.ok) expect(crlf.text).toBe(lf.text.replace(/\n/g, '\r\n'));
      }),
    );
  });
});
