/*
 * The outline of a file too big to send whole: its top-level declarations, found by simple
 * line patterns per language. A parser per language would be exact but heavy for a worker
 * bundle; the model only needs to know what exists and where, and a missed declaration
 * costs little.
 */

type Family = 'python' | 'script' | 'css' | 'html' | 'markdown' | 'json' | 'sql' | 'shell' | 'other';

// A Map: the language is the model's word, and `{}['constructor']` is a function.
const familyByLanguage: ReadonlyMap<string, Family> = new Map(
  Object.entries({
    python: 'python',
    py: 'python',
    javascript: 'script',
    typescript: 'script',
    js: 'script',
    ts: 'script',
    jsx: 'script',
    tsx: 'script',
    mjs: 'script',
    cjs: 'script',
    css: 'css',
    scss: 'css',
    less: 'css',
    html: 'html',
    htm: 'html',
    svg: 'html',
    markdown: 'markdown',
    md: 'markdown',
    json: 'json',
    sql: 'sql',
    shell: 'shell',
    bash: 'shell',
    sh: 'shell',
  } satisfies { readonly [language: string]: Family }),
);

function familyOf(path: string, language: string): Family {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return familyByLanguage.get(language.toLowerCase()) ?? familyByLanguage.get(extension) ?? 'other';
}

/** Line patterns for declarations; a line matching any of them is kept whole (up to the cap). */
const linePatterns: Readonly<Record<Exclude<Family, 'html'>, readonly RegExp[]>> = {
  python: [/^ {0,4}(async\s+def|def|class)\s+\w+/, /^@[\w.]+/, /^[A-Z][A-Z0-9_]*\s*(:[^=]+)?=/],
  script: [
    /^(export\s+)?(default\s+)?(declare\s+)?(abstract\s+)?(async\s+)?(function\*?|class|interface|type|enum|const|let|var|namespace)\s*[\w$]/,
    /^export\s+(default|\{|\*)/,
    /^(module\.)?exports\b/,
    /^(app|router|server)\.(get|post|put|patch|delete|use|listen)\(/,
  ],
  css: [/^[^\s@}/*][^{]*\{/, /^@(media|supports|keyframes|layer|font-face|import|container)\b/, /^\s+--[\w-]+\s*:/],
  markdown: [/^#{1,3}\s/],
  json: [/^ {2}"[^"]+"\s*:/],
  sql: [/^\s*(create|alter)\s+(or\s+replace\s+)?(table|view|index|unique\s+index|function|trigger|type)\b/i],
  shell: [/^(function\s+)?[\w-]+\s*\(\)\s*\{?/, /^(export\s+)?[A-Z][A-Z0-9_]*=/],
  other: [
    /^(pub(\([\w:]+\))?\s+)?(async\s+)?(fn|struct|enum|trait|impl|mod|func|type|package|def|class|interface|module|function)\b/,
    /^\s{0,4}(public|private|protected|internal)\s.*\b(class|interface|enum|record)\s+\w+/,
  ],
};

/** Elements of a page worth naming: anything with an id, and the scripts and styles it loads. */
const htmlPattern =
  /<(script|link)\b[^>]*?\b(src|href)\s*=\s*("[^"]*"|'[^']*')|<([a-zA-Z][\w-]*)\b[^>]*?\bid\s*=\s*("[^"]*"|'[^']*')/g;

/** Long declaration lines are shortened, visibly, so one line cannot eat the budget. */
const maxEntryChars = 160;

function shorten(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length > maxEntryChars ? `${trimmed.slice(0, maxEntryChars)}…` : trimmed;
}

function htmlEntries(line: string): string[] {
  const entries: string[] = [];
  for (const match of line.matchAll(htmlPattern)) {
    entries.push(match[1] !== undefined ? `<${match[1]} ${match[2]}=${match[3]}>` : `<${match[4]} id=${match[5]}>`);
  }
  return entries;
}

/**
 * The declarations of a file, one entry per line found, as `line: text`.
 *
 * @example outlineOf('app.py', 'python', 'import os\n\ndef main():\n    pass\n') // ['3: def main():']
 */
export function outlineOf(path: string, language: string, content: string): string[] {
  const family = familyOf(path, language);
  const entries: string[] = [];
  content.split('\n').forEach((line, index) => {
    const number = index + 1;
    if (family === 'html') {
      for (const entry of htmlEntries(line)) entries.push(`${number}: ${shorten(entry)}`);
    } else if (linePatterns[family].some((pattern) => pattern.test(line))) {
      entries.push(`${number}: ${shorten(line)}`);
    }
  });
  return entries;
}

/** How many lines a file has, not counting the empty "line" after a final newline. */
export function lineCount(content: string): number {
  if (content === '') return 0;
  // Counted in place: splitting made an array of every line only to take its length.
  let lines = 1;
  for (let at = content.indexOf('\n'); at !== -1; at = content.indexOf('\n', at + 1)) lines += 1;
  return content.endsWith('\n') ? lines - 1 : lines;
}
