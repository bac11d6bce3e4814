import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { diffCounts, diffFiles, summarize } from '../../../worker/changes/file-diff.ts';
import { sideBySide } from '../../../worker/query/side-by-side.ts';

const lines = (count: number, prefix = 'line') => Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

describe('diffFiles', () => {
  test('a one-line change in a long file is one hunk with three lines of context each side', () => {
    const before = lines(400).join('\n') + '\n';
    const after = before.replace('line 200\n', 'line two hundred\n');
    const diff = diffFiles(before, after);
    expect([diff.added, diff.removed, diff.hunks.length]).toEqual([1, 1, 1]);
    const hunk = diff.hunks[0];
    expect(hunk?.oldStart).toBe(197);
    expect(
      hunk?.lines.map((line) => `${line.kind[0]}${line.oldLine ?? '-'}:${line.newLine ?? '-'} ${line.text}`),
    ).toEqual([
      'c197:197 line 197',
      'c198:198 line 198',
      'c199:199 line 199',
      'r200:- line 200',
      'a-:200 line two hundred',
      'c201:201 line 201',
      'c202:202 line 202',
      'c203:203 line 203',
    ]);
  });

  test('changes far apart are separate hunks; near ones share one', () => {
    const before = lines(40).join('\n') + '\n';
    const far = diffFiles(before, before.replace('line 5\n', 'five\n').replace('line 30\n', 'thirty\n'));
    expect(far.hunks).toHaveLength(2);
    const near = diffFiles(before, before.replace('line 5\n', 'five\n').replace('line 9\n', 'nine\n'));
    expect(near.hunks).toHaveLength(1);
  });

  test('a new file is all added lines; CRLF against LF is reported as line endings only', () => {
    expect(diffFiles(null, 'a\nb\n')).toMatchObject({ added: 2, removed: 0 });
    expect(diffFiles('a\nb', 'a\r\nb').lineEndingsOnly).toBe(true);
  });

  test('side by side pairs removed lines with the lines that replaced them', () => {
    const diff = diffFiles('a\nb\nc\nd\n', 'a\nB\nC\nX\nd\n');
    const rows = sideBySide(diff.hunks[0] ?? { oldStart: 0, newStart: 0, lines: [] });
    expect(rows.map((row) => [row.left?.text ?? null, row.right?.text ?? null])).toEqual([
      ['a', 'a'],
      ['b', 'B'],
      ['c', 'C'],
      [null, 'X'],
      ['d', 'd'],
    ]);
  });

  test('property: the new side of a diff rebuilds the new text, the old side the old', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', '', 'é👋'), { maxLength: 30 })
      .map((parts) => parts.join('\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = diffFiles(before, after, 1_000_000);
        const all = diff.hunks.flatMap((hunk) => hunk.lines);
        const oldLines = all.filter((line) => line.kind !== 'add').map((line) => line.text);
        const newLines = all.filter((line) => line.kind !== 'remove').map((line) => line.text);
        if (before === after) expect(diff.hunks).toEqual([]);
        else {
          const split = (value: string) => (value === '' ? [] : value.replace(/\n$/, '').split('\n'));
          expect(oldLines).toEqual(split(before));
          expect(newLines).toEqual(split(after));
        }
      }),
    );
  });
});

test('summarize says how many files and lines changed', () => {
  expect(
    summarize([
      { path: 'a', status: 'modified', added: 40, removed: 7 },
      { path: 'b', status: 'added', added: 2, removed: 0 },
      { path: 'c', status: 'modified', added: 0, removed: 0 },
    ]).sentence,
  ).toBe('3 files changed, +42 \u22127');
  expect(summarize([]).sentence).toBe('No files changed');
});

test('diffCounts counts what diffFiles counts, without building the hunks', () => {
  const text = fc.array(fc.constantFrom('a', 'b', 'c', '', 'é 👋'), { maxLength: 12 }).map((parts) => parts.join('\n'));
  fc.assert(
    fc.property(fc.option(text, { nil: null }), text, (before, after) => {
      const full = diffFiles(before, after, 0);
      expect(diffCounts(before, after)).toEqual({ added: full.added, removed: full.removed });
    }),
  );
});
