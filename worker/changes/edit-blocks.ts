import { z } from 'zod';
import { normalizeArtifactPath } from '../artifacts/safe-path.ts';

/*
 * Edit blocks: how an agent changes an existing file without sending it whole. Each block
 * names a file, the exact text to find in it and the text to put in its place; a file may
 * take several. Every block of an answer is found in the file as it stands before any of
 * them is applied, so the blocks of one answer cannot depend on each other's order, and
 * two that touch the same text are refused rather than guessed at. A block that cannot be
 * placed exactly once makes the whole answer go back to the agent with the reason, as a
 * schema error does: a half-applied change is worse than none.
 */

/** One edit, as an agent sends it inside its JSON answer. */
export const editBlockSchema = z.object({
  path: z.string().min(1).max(400),
  search: z.string().max(100_000),
  replace: z.string().max(200_000),
});
export type EditBlock = z.infer<typeof editBlockSchema>;

export type EditProblemKind =
  | 'unsafe-path'
  | 'missing-file'
  | 'whole-and-edited'
  | 'empty-search'
  | 'broken-unicode'
  | 'not-found'
  | 'ambiguous'
  | 'overlap';

/** Why a block could not be applied, in words that go back to the agent on a repair turn. */
export interface EditProblem {
  kind: EditProblemKind;
  /** Index of the block in the answer's `edits`. */
  index: number;
  path: string;
  message: string;
}

/** A file an answer's edits change: its text before and after. */
export interface EditedFile {
  path: string;
  before: string;
  after: string;
  /** How many blocks went into it. */
  blocks: number;
}

export type EditResult = { ok: true; files: EditedFile[] } | { ok: false; problems: EditProblem[] };

type TextResult = { ok: true; text: string } | { ok: false; problems: Omit<EditProblem, 'path'>[] };

// A lone surrogate half: JSON can carry one ("\ud83d"), and matching it would cut a
// character in two.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Applies one file's blocks to its text. `indexes[i]` is block i's place in the answer,
 * for the messages. Line endings follow the file: a block written with `\n` edits a CRLF
 * file and keeps it CRLF (models rarely reproduce `\r`), and the reverse.
 *
 * @example
 * applyEditsToText('a\nb\nc\n', [{ search: 'b\n', replace: 'B\n' }]) // { ok: true, text: 'a\nB\nc\n' }
 */
export function applyEditsToText(
  text: string,
  blocks: readonly Pick<EditBlock, 'search' | 'replace'>[],
  indexes: readonly number[] = blocks.map((_, index) => index),
): TextResult {
  const problems: Omit<EditProblem, 'path'>[] = [];
  const placed: { start: number; end: number; replace: string; index: number }[] = [];
  blocks.forEach((block, position) => {
    const index = indexes[position] ?? position;
    if (loneSurrogate.test(block.search) || loneSurrogate.test(block.replace)) {
      problems.push({
        kind: 'broken-unicode',
        index,
        message: 'contains half of a Unicode character (a lone surrogate); send whole characters.',
      });
      return;
    }
    if (block.search === '') {
      if (text === '') placed.push({ start: 0, end: 0, replace: block.replace, index });
      else {
        problems.push({
          kind: 'empty-search',
          index,
          message: 'has an empty search text, which matches everywhere; quote the exact lines to replace.',
        });
      }
      return;
    }
    const { search, replace } = matchLineEndings(text, block.search, block.replace);
    const starts = occurrences(text, search);
    if (starts.length === 1) {
      const start = starts[0] ?? 0;
      placed.push({ start, end: start + search.length, replace, index });
    } else if (starts.length === 0) {
      problems.push({ kind: 'not-found', index, message: notFoundMessage(text, search) });
    } else {
      const lines = starts.slice(0, 5).map((start) => lineOf(text, start));
      const more = starts.length > 5 ? ` and ${starts.length - 5} more` : '';
      problems.push({
        kind: 'ambiguous',
        index,
        message: `matches ${starts.length} places (lines ${lines.join(', ')}${more}); include more of the surrounding lines so it matches exactly one.`,
      });
    }
  });

  placed.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let at = 1; at < placed.length; at++) {
    const previous = placed[at - 1];
    const current = placed[at];
    if (!previous || !current) continue;
    // Touching is fine ("ab": one block edits "a", another "b"); sharing text is not.
    if (current.start < previous.end || (current.start === previous.start && current.end === previous.end)) {
      const [first, second] = [previous.index, current.index].sort((a, b) => a - b);
      problems.push({
        kind: 'overlap',
        index: second ?? current.index,
        message: `overlaps edits[${first}] (both change line ${lineOf(text, current.start)}); merge them into one edit.`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  let out = '';
  let from = 0;
  for (const block of placed) {
    out += text.slice(from, block.start) + block.replace;
    from = block.end;
  }
  return { ok: true, text: out + text.slice(from) };
}

/**
 * Applies an answer's blocks to the project's files. `current` maps each existing path to
 * its text; `wholeFiles` are the paths the same answer sends whole. Every problem is
 * reported at once, so one repair turn can fix them all.
 *
 * @example
 * applyEditBlocks(new Map([['src/a.js', 'let x = 1;\n']]), [{ path: 'src/a.js', search: '1', replace: '2' }])
 * // { ok: true, files: [{ path: 'src/a.js', before: 'let x = 1;\n', after: 'let x = 2;\n', blocks: 1 }] }
 */
export function applyEditBlocks(
  current: ReadonlyMap<string, string>,
  blocks: readonly EditBlock[],
  wholeFiles: readonly string[] = [],
): EditResult {
  const problems: EditProblem[] = [];
  const whole = new Set(wholeFiles.map((path) => canonical(path) ?? path));
  const byLower = new Map([...current.keys()].map((path) => [path.toLowerCase(), path]));
  const grouped = new Map<string, { blocks: EditBlock[]; indexes: number[] }>();
  blocks.forEach((block, index) => {
    const check = normalizeArtifactPath(block.path);
    if (!check.ok) {
      problems.push({ kind: 'unsafe-path', index, path: block.path, message: check.reason });
      return;
    }
    const path = check.path;
    if (!current.has(path)) {
      const near = byLower.get(path.toLowerCase());
      problems.push({
        kind: 'missing-file',
        index,
        path,
        message:
          near !== undefined
            ? `${path} does not exist; did you mean ${near}? Paths are case-sensitive.`
            : `${path} does not exist, so it cannot be edited; to create it, send it whole in "files".`,
      });
      return;
    }
    if (whole.has(path)) {
      problems.push({
        kind: 'whole-and-edited',
        index,
        path,
        message: `${path} is both sent whole in "files" and edited; send one or the other.`,
      });
      return;
    }
    let group = grouped.get(path);
    if (!group) {
      group = { blocks: [], indexes: [] };
      grouped.set(path, group);
    }
    group.blocks.push(block);
    group.indexes.push(index);
  });

  const files: EditedFile[] = [];
  for (const [path, group] of grouped) {
    const before = current.get(path) ?? '';
    const result = applyEditsToText(before, group.blocks, group.indexes);
    if (result.ok) files.push({ path, before, after: result.text, blocks: group.blocks.length });
    else for (const problem of result.problems) problems.push({ ...problem, path });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.index - b.index);
    return { ok: false, problems };
  }
  return { ok: true, files };
}

/**
 * The problems as lines for a repair prompt: `edits[2] (src/app.js): matches 2 places …`.
 *
 * @example editRepairLines(result.problems) // ['edits[0] (src/a.js): the search text is not in the file …']
 */
export function editRepairLines(problems: readonly EditProblem[]): string[] {
  return problems.map((problem) => `edits[${problem.index}] (${problem.path}): ${problem.message}`);
}

function canonical(path: string): string | null {
  const check = normalizeArtifactPath(path);
  return check.ok ? check.path : null;
}

/**
 * Brings a block's line endings to the file's: a block written with `\n` is looked for
 * with `\r\n` in a CRLF file and its replacement written with `\r\n` too, and the
 * reverse in an LF file; in a file of mixed endings, as written first.
 */
function matchLineEndings(text: string, search: string, replace: string): { search: string; replace: string } {
  const crlfOnly = text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
  const toCrlf = (value: string) => value.replace(/\r?\n/g, '\r\n');
  // In a CRLF file a bare "\n" would match the second half of a line break and split it.
  if (crlfOnly) return { search: toCrlf(search), replace: toCrlf(replace) };
  if (!text.includes('\r\n')) {
    return { search: search.replace(/\r\n/g, '\n'), replace: replace.replace(/\r\n/g, '\n') };
  }
  // Mixed endings: as written, else with CRLF.
  if (text.includes(search) || search.includes('\r')) return { search, replace };
  return { search: toCrlf(search), replace: toCrlf(replace) };
}

/** Every start of `search` in `text`, overlapping ones included ("aa" is twice in "aaa"). */
function occurrences(text: string, search: string): number[] {
  const starts: number[] = [];
  for (let at = text.indexOf(search); at !== -1 && starts.length < 1000; at = text.indexOf(search, at + 1)) {
    starts.push(at);
  }
  return starts;
}

/** 1-based line number of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/**
 * Says the text is missing, and where it nearly is: the same lines with other spacing, or
 * the same characters in another Unicode normal form. A hint makes the repair exact.
 */
function notFoundMessage(text: string, search: string): string {
  const base = 'the search text is not in the file; copy it exactly from the file as shown, spaces and all.';
  const nearLine = looseLineMatch(text, search);
  if (nearLine !== null) {
    return `the search text is not in the file exactly, but lines ${nearLine} match it when spaces and indentation are ignored; copy those lines exactly.`;
  }
  if (text.normalize('NFC').includes(search.normalize('NFC'))) {
    return 'the search text is not in the file exactly: the file spells some accented characters differently (another Unicode form); copy the text from the file.';
  }
  return base;
}

/** "a–b" when the search's lines, trimmed, appear once as consecutive trimmed lines of the text. */
function looseLineMatch(text: string, search: string): string | null {
  const wanted = search
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line, index, all) => !(line === '' && (index === 0 || index === all.length - 1)));
  if (wanted.length === 0 || wanted.every((line) => line === '')) return null;
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  let found: number | null = null;
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((line, offset) => lines[start + offset] === line)) {
      if (found !== null) return null;
      found = start;
    }
  }
  if (found === null) return null;
  return wanted.length === 1 ? `${found + 1}` : `${found + 1}–${found + wanted.length}`;
}
