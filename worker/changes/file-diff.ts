import { diffLines } from 'diff';

/*
 * Line diffs of file versions, as plain data the UI draws (unified or side by side) and
 * the summaries count. The diff itself is jsdiff's (Myers); this module only shapes it.
 */

export interface DiffLine {
  kind: 'context' | 'add' | 'remove';
  /** 1-based line in the old text (context and removed lines). */
  oldLine: number | null;
  /** 1-based line in the new text (context and added lines). */
  newLine: number | null;
  /** The line without its line break. */
  text: string;
}

/** A run of changed lines with up to `context` unchanged lines on each side. */
export interface DiffHunk {
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

export interface FileDiff {
  added: number;
  removed: number;
  hunks: DiffHunk[];
  /** Whether the old and new texts differ only in their line endings (CRLF against LF). */
  lineEndingsOnly: boolean;
}

/** Past this many changed lines the diff is not computed in detail (jsdiff's own bound). */
const maxEditLength = 20_000;

/**
 * The line diff of two texts, in hunks with `context` unchanged lines around each change.
 * `null` for `before` reads as an empty file (a file the change created).
 *
 * @example
 * diffFiles('a\nb\n', 'a\nB\n').hunks[0].lines
 * // [{ kind: 'context', text: 'a' … }, { kind: 'remove', text: 'b' … }, { kind: 'add', text: 'B' … }]
 */
export function diffFiles(before: string | null, after: string, context = 3): FileDiff {
  const oldText = before ?? '';
  const changes = lineChanges(oldText, after);
  const lines: DiffLine[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const change of changes) {
    for (const text of splitLines(change.value)) {
      if (change.added) lines.push({ kind: 'add', oldLine: null, newLine: newLine++, text });
      else if (change.removed) lines.push({ kind: 'remove', oldLine: oldLine++, newLine: null, text });
      else lines.push({ kind: 'context', oldLine: oldLine++, newLine: newLine++, text });
    }
  }
  const added = lines.filter((line) => line.kind === 'add').length;
  const removed = lines.filter((line) => line.kind === 'remove').length;
  return {
    added,
    removed,
    hunks: hunksOf(lines, context),
    lineEndingsOnly: oldText !== after && oldText.replace(/\r\n/g, '\n') === after.replace(/\r\n/g, '\n'),
  };
}

/**
 * Only the counts of `diffFiles(before, after)`, without building its lines and hunks:
 * what a change summary needs.
 *
 * @example diffCounts('a\nb\n', 'a\nB\nc\n') // { added: 2, removed: 1 }
 */
export function diffCounts(before: string | null, after: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const change of lineChanges(before ?? '', after)) {
    if (change.added) added += splitLines(change.value).length;
    else if (change.removed) removed += splitLines(change.value).length;
  }
  return { added, removed };
}

/** jsdiff's line changes; past its bound, the whole old text removed and the new one added. */
function lineChanges(oldText: string, after: string): { value: string; added: boolean; removed: boolean }[] {
  return (
    diffLines(oldText, after, { maxEditLength }) ?? [
      { value: oldText, removed: true, added: false },
      { value: after, added: true, removed: false },
    ]
  );
}

export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'reverted' | 'deleted';
  added: number;
  removed: number;
}

export interface ChangeSummary {
  files: FileChange[];
  added: number;
  removed: number;
  /** "3 files changed, +42 −7" */
  sentence: string;
}

/**
 * Adds up a change's files into the sentence the Live run screen shows.
 *
 * @example summarize([{ path: 'a.js', status: 'modified', added: 2, removed: 1 }]).sentence // '1 file changed, +2 −1'
 */
export function summarize(files: FileChange[]): ChangeSummary {
  const added = files.reduce((sum, file) => sum + file.added, 0);
  const removed = files.reduce((sum, file) => sum + file.removed, 0);
  const count = files.length;
  const sentence =
    count === 0 ? 'No files changed' : `${count} file${count === 1 ? '' : 's'} changed, +${added} \u2212${removed}`;
  return { files, added, removed, sentence };
}

/** A change's lines without their breaks; the empty text has none, a final break adds none. */
function splitLines(value: string): string[] {
  if (value === '') return [];
  const lines = value.split(/\r?\n/);
  if (value.endsWith('\n')) lines.pop();
  return lines;
}

function hunksOf(lines: DiffLine[], context: number): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let current: DiffLine[] = [];
  let trailing = 0;
  const close = () => {
    // Keep at most `context` unchanged lines after the last change.
    const kept = current.slice(0, current.length - Math.max(0, trailing - context));
    const first = kept[0];
    if (first) {
      hunks.push({
        oldStart: first.oldLine ?? kept.find((line) => line.oldLine !== null)?.oldLine ?? 0,
        newStart: first.newLine ?? kept.find((line) => line.newLine !== null)?.newLine ?? 0,
        lines: kept,
      });
    }
    current = [];
    trailing = 0;
  };
  lines.forEach((line, index) => {
    if (line.kind !== 'context') {
      if (current.length === 0) current = lines.slice(Math.max(0, index - context), index);
      current.push(line);
      trailing = 0;
      return;
    }
    if (current.length === 0) return;
    current.push(line);
    trailing++;
    if (trailing > context * 2) close();
  });
  if (current.length > 0) close();
  return hunks;
}
