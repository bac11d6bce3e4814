import { emptyMeasured, joinMeasured, measure, type MeasuredText, trimEndMeasured } from '../budget/utf8-length.ts';
import { lineCount, outlineOf } from './context-outline.ts';

/*
 * The upstream files a task's prompt carries, fitted to the model's window. A file is
 * either sent whole, or as an outline of its declarations, or named only — never cut in
 * the middle, because a model shown half a file "fixes" the half it cannot see.
 */

export interface ContextFile {
  path: string;
  language: string;
  content: string;
  /** from a direct dependency of the task */
  direct: boolean;
  /** The SHA-256 of `content` when known: a cached file is then not read again. */
  contentHash?: string;
}

export interface ContextSummary {
  path: string;
  language: string;
  lines: number;
  outline: string;
}

export interface BuiltContext {
  whole: ContextFile[];
  summarised: ContextSummary[];
  listed: string[];
  /** Files that did not fit even as a listed path; only their number is shown. */
  omitted: number;
  /** The estimate of `renderContext` of this context; never above the budget. */
  tokens: number;
}

/**
 * A rough token count: about four characters per token for code and English. Rounding up
 * part by part over-counts a little, so a budget checked this way is never exceeded.
 */
export function estimateTokens(text: string): number {
  return tokensOf(text.length);
}

const tokensOf = (chars: number) => Math.ceil(chars / 4);

const preamble = [
  'Files from earlier tasks. Those marked "whole" are complete and exact.',
  'Those marked "summarised" show only their top-level declarations with line numbers: the rest of the file exists but is not shown, so do not rewrite or contradict it.',
  'Those under "Listed only" exist but are not shown at all.',
  '',
  '',
].join('\n');
const wholeHeader = '### Whole files\n\n';
const summaryHeader = '### Summarised files (declarations only)\n\n';
const listHeader = '### Listed only (not shown)\n\n';
const measuredPreamble = measure(preamble);
const measuredWholeHeader = measure(wholeHeader);
const measuredSummaryHeader = measure(summaryHeader);
const measuredListHeader = measure(listHeader);

/** A Markdown fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function fenced(language: string, text: string): string {
  const fence = fenceFor(text);
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${fence}${language}\n${body}${fence}\n\n`;
}

function wholeBlock(file: ContextFile, lines: number): string {
  return `#### ${file.path} (whole, ${lines} lines)\n${fenced(file.language, file.content)}`;
}

function summaryBlock(summary: ContextSummary): string {
  const outline = summary.outline === '' ? '(no top-level declarations found)' : summary.outline;
  return `#### ${summary.path} (summarised: ${summary.lines} lines, declarations only)\n${fenced('text', outline)}`;
}

/** Small before big, then by path. */
const bySizeThenPath = (a: ContextFile, b: ContextFile) =>
  a.content.length - b.content.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * What one file is shown as: its whole block and, once needed, its summary with the block
 * of that. Blocks are measured when made, so a prompt is counted from them (see
 * `renderedContextOf`), not read again for every task that shows the file.
 */
interface FileBlocks {
  path: string;
  language: string;
  content: string;
  contentHash: string | undefined;
  whole: MeasuredText;
  summary?: { summary: ContextSummary; block: MeasuredText };
  /** When it was last used, on the cache's clock. */
  used: number;
}

/**
 * The blocks of the files recently shown, by path. Every task downstream of a file shows
 * it again, and its line count, fence and outline were worked out again each time (for a
 * 200-task plan, most of the CPU a prompt took). An entry is used only for the very same
 * path, language and content, so the cache never changes a prompt. Past `maxChars` of
 * content, the least recently used entries go until a quarter of the room is free.
 */
export class ContextCache {
  private readonly entries = new Map<string, FileBlocks>();
  /** Each path's place in the last `smallFirst`, where the next sort starts from. */
  private order = new Map<string, number>();
  private contentChars = 0;
  private clock = 0;

  constructor(private readonly maxChars = 4_000_000) {}

  /** Files held, and the characters of their contents. */
  get size(): { files: number; chars: number } {
    return { files: this.entries.size, chars: this.contentChars };
  }

  /** The content of `path` when it is held for exactly this hash: a blob not to read again. */
  contentOf(path: string, contentHash: string): string | undefined {
    const known = this.entries.get(path);
    return known?.contentHash === contentHash ? known.content : undefined;
  }

  blocks(file: ContextFile): FileBlocks {
    const known = this.entries.get(file.path);
    if (known !== undefined && known.language === file.language && known.content === file.content) {
      known.used = ++this.clock;
      known.contentHash ??= file.contentHash;
      return known;
    }
    const made: FileBlocks = {
      path: file.path,
      language: file.language,
      content: file.content,
      contentHash: file.contentHash,
      whole: measure(wholeBlock(file, lineCount(file.content))),
      used: ++this.clock,
    };
    this.forget(file.path);
    if (file.content.length > this.maxChars / 4) return made;
    this.entries.set(file.path, made);
    this.contentChars += file.content.length;
    if (this.contentChars > this.maxChars) {
      const oldestFirst = [...this.entries.values()].sort((a, b) => a.used - b.used);
      for (const entry of oldestFirst) {
        if (this.contentChars <= this.maxChars * 0.75) break;
        this.forget(entry.path);
      }
    }
    return made;
  }

  summary(file: ContextFile): { summary: ContextSummary; block: MeasuredText } {
    const blocks = this.blocks(file);
    if (blocks.summary === undefined) {
      const summary: ContextSummary = {
        path: file.path,
        language: file.language,
        lines: lineCount(file.content),
        outline: outlineOf(file.path, file.language, file.content).join('\n'),
      };
      blocks.summary = { summary, block: measure(summaryBlock(summary)) };
    }
    return blocks.summary;
  }

  /**
   * The files, smallest first, then by path. Sorting every upstream file for every task
   * was most of what choosing a context cost once the blocks were cached; the files are
   * laid out in the order of the last sort before sorting, so the sort (a merge sort that
   * runs through sorted stretches) has only the new files and those whose size changed to place.
   */
  smallFirst(files: readonly ContextFile[]): ContextFile[] {
    const placed: (ContextFile | undefined)[] = new Array<ContextFile | undefined>(this.order.size);
    const fresh: ContextFile[] = [];
    for (const file of files) {
      const at = this.order.get(file.path);
      // A path given twice: the second goes after the first, as the input had it.
      if (at === undefined || placed[at] !== undefined) fresh.push(file);
      else placed[at] = file;
    }
    const sorted: ContextFile[] = [];
    for (const file of placed) if (file !== undefined) sorted.push(file);
    let inOrder = fresh.length === 0;
    for (let at = 1; inOrder && at < sorted.length; at++) {
      inOrder = bySizeThenPath(sorted[at - 1] as ContextFile, sorted[at] as ContextFile) <= 0;
    }
    if (inOrder) return sorted;
    for (const file of fresh) sorted.push(file);
    sorted.sort(bySizeThenPath);
    this.order = new Map();
    sorted.forEach((file, at) => this.order.set(file.path, at));
    return sorted;
  }

  private forget(path: string): void {
    const known = this.entries.get(path);
    if (known === undefined) return;
    this.entries.delete(path);
    this.contentChars -= known.content.length;
  }
}

/** The cache `buildContext` and `renderContext` use unless given one. */
export const sharedContextCache = new ContextCache();

function listLine(path: string): string {
  return `- ${path}\n`;
}

function omittedLine(count: number): string {
  return count === 0 ? '' : `\n(${count} more upstream ${count === 1 ? 'file is' : 'files are'} not shown.)\n`;
}

const normalPath = (path: string) =>
  path.includes('\\') || path.startsWith('./') ? path.replace(/\\/g, '/').replace(/^\.\//, '') : path;

/** Basename or any trailing part of a path: "app.py" and "src/app.py" both name "lib/src/app.py". */
function named(path: string, wanted: readonly string[]): boolean {
  const normal = normalPath(path);
  return wanted.some(
    (name) => normal === name || (normal.endsWith(name) && normal[normal.length - name.length - 1] === '/'),
  );
}

/** Files named by the task first, then those from direct dependencies, then the rest; small before big. */
function byRelevance(files: readonly ContextFile[], focus: readonly string[], cache: ContextCache): ContextFile[] {
  const wanted = focus.map((raw) => normalPath(raw.trim())).filter((name) => name !== '');
  const ranks: [ContextFile[], ContextFile[], ContextFile[]] = [[], [], []];
  // Sorted together, then split: each rank comes out in the order it would have sorted to
  // alone (the order is total, and ties keep the order they came in).
  for (const file of cache.smallFirst(files)) {
    ranks[wanted.length > 0 && named(file.path, wanted) ? 0 : file.direct ? 1 : 2].push(file);
  }
  return ranks[0].concat(ranks[1], ranks[2]);
}

/** A context chosen, with the measured parts of its text in order. */
interface Selection {
  built: BuiltContext;
  parts: MeasuredText[];
}

/**
 * Chooses, file by file in order of relevance, whole content if it fits the budget, else
 * its outline if that fits, else only its path. A file too big to be whole gets its
 * outline before less relevant files take the room.
 *
 * @example renderContext(buildContext(files, { budgetTokens: 8000, focus: ['app.py'] }))
 */
export function buildContext(
  files: readonly ContextFile[],
  options: { budgetTokens: number; focus: readonly string[]; cache?: ContextCache },
): BuiltContext {
  return select(files, options).built;
}

function select(
  files: readonly ContextFile[],
  options: { budgetTokens: number; focus: readonly string[]; cache?: ContextCache },
): Selection {
  const cache = options.cache ?? sharedContextCache;
  const built: BuiltContext = { whole: [], summarised: [], listed: [], omitted: files.length, tokens: 0 };
  // Room for the "N more files" line is kept back from the start, so it always fits.
  const available = Math.max(0, options.budgetTokens || 0) - estimateTokens(omittedLine(files.length));
  let used = estimateTokens(preamble);
  if (files.length === 0 || used > available) return { built, parts: [] };
  const fits = (cost: number) => used + cost <= available;

  const wholeBlocks: MeasuredText[] = [];
  const summaryBlocks: MeasuredText[] = [];
  const unshown: string[] = [];
  for (const file of byRelevance(files, options.focus, cache)) {
    const blocks = cache.blocks(file);
    const wholeCost = estimateTokens(blocks.whole.text) + (built.whole.length === 0 ? estimateTokens(wholeHeader) : 0);
    if (fits(wholeCost)) {
      built.whole.push(file);
      wholeBlocks.push(blocks.whole);
      used += wholeCost;
      continue;
    }
    const { summary, block } = cache.summary(file);
    const summaryCost =
      estimateTokens(block.text) + (built.summarised.length === 0 ? estimateTokens(summaryHeader) : 0);
    if (fits(summaryCost)) {
      built.summarised.push(summary);
      summaryBlocks.push(block);
      used += summaryCost;
      continue;
    }
    unshown.push(file.path);
  }
  for (const path of unshown) {
    const cost = estimateTokens(listLine(path)) + (built.listed.length === 0 ? estimateTokens(listHeader) : 0);
    if (!fits(cost)) continue;
    built.listed.push(path);
    used += cost;
  }
  built.omitted = unshown.length - built.listed.length;
  const given = new Map(files.map((file, at) => [file.path, at]));
  const placeOf = (path: string) => given.get(path) ?? 0;
  inGivenOrder(built.whole, wholeBlocks, (file) => placeOf(file.path));
  inGivenOrder(built.summarised, summaryBlocks, (summary) => placeOf(summary.path));
  built.listed.sort((a, b) => placeOf(a) - placeOf(b));
  const parts = contextParts(built, wholeBlocks, summaryBlocks);
  // The length of the text `renderContext` would make, without making it.
  let chars = 0;
  for (const part of parts) chars += part.text.length;
  built.tokens = tokensOf(chars);
  return { built, parts };
}

/**
 * Puts the files chosen (and their blocks, in step) back in the order they were given:
 * the order the project made them, which only grows at the end. Relevance decides what
 * is shown whole, outlined or listed; the order shown is the files' own, so every task
 * that sees the same files sends the same text, and a new file adds to the end of it:
 * the providers' prompt caches keep reading everything before.
 */
function inGivenOrder<T>(items: T[], blocks: MeasuredText[], placeOf: (item: T) => number): void {
  if (items.length < 2) return;
  const order = items.map((item, at) => ({ item, block: blocks[at] as MeasuredText, place: placeOf(item) }));
  order.sort((a, b) => a.place - b.place);
  order.forEach((entry, at) => {
    items[at] = entry.item;
    blocks[at] = entry.block;
  });
}

/**
 * The text block given to the model: a note on what "whole", "summarised" and "listed"
 * mean, then each group, each in the order the files were given. Empty when nothing could be shown at all.
 */
export function renderContext(built: Omit<BuiltContext, 'tokens'>, cache: ContextCache = sharedContextCache): string {
  const wholeBlocks = built.whole.map((file) => cache.blocks(file).whole);
  const parts = contextParts(
    built,
    wholeBlocks,
    built.summarised.map((summary) => measure(summaryBlock(summary))),
  );
  return joinMeasured(parts).text;
}

/** A context as a prompt carries it. */
export interface RenderedContext {
  /** `renderContext(buildContext(files, options))` */
  text: string;
  /** `text.trimEnd()` with its UTF-8 length: the upstream files as a prompt shows them, counted from their blocks. */
  shown: MeasuredText;
}

/**
 * `renderContext(buildContext(files, options))`, and the same trimmed and measured, from
 * one choice of files. The text is joined with `+`, not `join`: it stays a tree of the
 * cached blocks until the provider reads it, instead of being copied once here and once
 * more into the prompt (each copy of a text past 128 KB is a large-object allocation).
 *
 * @example agent.measuredPrompt({ ...input, context: rendered.text, measuredContext: rendered.shown })
 */
export function renderedContextOf(
  files: readonly ContextFile[],
  options: { budgetTokens: number; focus: readonly string[]; cache?: ContextCache },
): RenderedContext {
  const { parts } = select(files, options);
  // Trimmed part by part from the end: only the last parts are read, never the joined text.
  let trailing = '';
  for (let last = parts.length - 1; last >= 0; last--) {
    const part = parts[last] as MeasuredText;
    const kept = trimEndMeasured(part);
    if (kept.text.length === 0) {
      trailing = part.text + trailing;
      continue;
    }
    const shown = joinMeasured([...parts.slice(0, last), kept]);
    return { text: shown.text + part.text.slice(kept.text.length) + trailing, shown };
  }
  return { text: trailing, shown: emptyMeasured };
}

function contextParts(
  built: Omit<BuiltContext, 'tokens'>,
  wholeBlocks: readonly MeasuredText[],
  summaryBlocks: readonly MeasuredText[],
): MeasuredText[] {
  if (built.whole.length === 0 && built.summarised.length === 0 && built.listed.length === 0) return [];
  const parts = [measuredPreamble];
  if (wholeBlocks.length > 0) parts.push(measuredWholeHeader, ...wholeBlocks);
  if (summaryBlocks.length > 0) parts.push(measuredSummaryHeader, ...summaryBlocks);
  if (built.listed.length > 0) parts.push(measuredListHeader, ...built.listed.map((path) => measure(listLine(path))));
  parts.push(measure(omittedLine(built.omitted)));
  return parts;
}
