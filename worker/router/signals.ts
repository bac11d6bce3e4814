/**
 * Task content as router context: cheap, deterministic features of a task's instructions
 * and expected files, as the short strings `RouteFeatures.signals` carries. The router
 * learns each signal's effect on each model and backs off to the task type's posterior
 * while a signal has little evidence, so a signal that means nothing costs nothing.
 *
 * - `len:s|m|l`: the instructions' length class (under 400, under 2,000 characters, more);
 * - `ext:<ext>`: the kinds of file the task is to write (up to 4, most common first);
 * - `word:<stem>`: technical words of the instructions that tend to change which model
 *   does a task well (SQL, regular expressions, concurrency, CSS…), up to the cap;
 * - `hash:<n>`: every other word of four letters or more, hashed into 16 buckets; the two
 *   most frequent buckets are kept, so task content outside the word list still counts.
 *
 * Example: "Add a SQL migration and an async job queue" writing `db/migrate.py` →
 * ["len:s", "ext:py", "word:sql", "word:async", "word:migration", "hash:3", "hash:11"].
 */
import { maxSignals } from './features.ts';

export interface TaskContent {
  instructions: string;
  /** Paths the task is expected to write. */
  files?: readonly string[];
}

// Words seen as technical content, with the stem a signal names. Matched on whole words,
// lowercase, after a trailing plural or gerund is stripped.
const vocabulary: ReadonlyMap<string, string> = new Map([
  ['sql', 'sql'],
  ['query', 'sql'],
  ['database', 'sql'],
  ['migration', 'migration'],
  ['schema', 'schema'],
  ['regex', 'regex'],
  ['regexp', 'regex'],
  ['async', 'async'],
  ['await', 'async'],
  ['concurrent', 'async'],
  ['thread', 'async'],
  ['css', 'css'],
  ['layout', 'css'],
  ['style', 'css'],
  ['responsive', 'css'],
  ['accessibility', 'a11y'],
  ['aria', 'a11y'],
  ['auth', 'auth'],
  ['authentication', 'auth'],
  ['login', 'auth'],
  ['password', 'auth'],
  ['token', 'auth'],
  ['crypto', 'crypto'],
  ['encrypt', 'crypto'],
  ['hash', 'crypto'],
  ['parser', 'parser'],
  ['parse', 'parser'],
  ['grammar', 'parser'],
  ['i18n', 'i18n'],
  ['locale', 'i18n'],
  ['translation', 'i18n'],
  ['chart', 'charts'],
  ['graph', 'charts'],
  ['canvas', 'charts'],
  ['api', 'api'],
  ['endpoint', 'api'],
  ['http', 'api'],
  ['rest', 'api'],
  ['websocket', 'realtime'],
  ['stream', 'realtime'],
  ['test', 'tests'],
  ['fixture', 'tests'],
  ['mock', 'tests'],
  ['algorithm', 'algorithm'],
  ['performance', 'performance'],
  ['cache', 'performance'],
  ['security', 'security'],
  ['sanitize', 'security'],
  ['ffi', 'ffi'],
  ['wasm', 'ffi'],
  ['math', 'math'],
  ['numeric', 'math'],
  ['refactor', 'refactor'],
  ['bug', 'bugfix'],
  ['fix', 'bugfix'],
  ['error', 'bugfix'],
] as const);

const wordPattern = /[a-z][a-z0-9]+/g;
const hashBuckets = 16;
const maxExtensions = 4;
const maxHashed = 2;

function stem(word: string): string {
  if (vocabulary.has(word)) return word;
  for (const suffix of ['ing', 'es', 's', 'ed']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const base = word.slice(0, -suffix.length);
      if (vocabulary.has(base)) return base;
      if (vocabulary.has(`${base}e`)) return `${base}e`;
    }
  }
  return word;
}

function bucketOfWord(word: string): number {
  let h = 2166136261;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
  return (h >>> 0) % hashBuckets;
}

const extensionOf = (path: string): string | undefined => {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  const ext = name.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(ext) ? ext : undefined;
};

/** Up to `maxSignals` content signals of a task, most telling first; the same content always gives the same list. */
export function taskSignals(content: TaskContent): string[] {
  const text = content.instructions.slice(0, 20_000).toLowerCase();
  const signals: string[] = [text.length < 400 ? 'len:s' : text.length < 2000 ? 'len:m' : 'len:l'];

  const extensions = new Map<string, number>();
  for (const path of content.files ?? []) {
    const ext = extensionOf(path);
    if (ext !== undefined) extensions.set(ext, (extensions.get(ext) ?? 0) + 1);
  }
  const byCount = <K extends string | number>(entries: Iterable<[K, number]>) =>
    [...entries].sort(([x, n], [y, m]) => m - n || (x < y ? -1 : x > y ? 1 : 0)).map(([key]) => key);
  for (const ext of byCount(extensions).slice(0, maxExtensions)) signals.push(`ext:${ext}`);

  const words = new Map<string, number>();
  const hashed = new Map<number, number>();
  for (const match of text.matchAll(wordPattern)) {
    const word = stem(match[0]);
    const known = vocabulary.get(word);
    if (known !== undefined) words.set(known, (words.get(known) ?? 0) + 1);
    else if (word.length >= 4) {
      const bucket = bucketOfWord(word);
      hashed.set(bucket, (hashed.get(bucket) ?? 0) + 1);
    }
  }
  const room = maxSignals - signals.length - Math.min(maxHashed, hashed.size);
  for (const word of byCount(words).slice(0, Math.max(0, room))) signals.push(`word:${word}`);
  for (const bucket of byCount(hashed).slice(0, maxHashed)) signals.push(`hash:${bucket}`);
  return signals.slice(0, maxSignals);
}
