/**
 * Paths inside a generated project, for the Preview: resolving a reference written in one
 * file ("../img/logo.png", "./tasks.js", "/styles.css") to a project path, and choosing
 * the page to show.
 */

/** The folder of a project path, with a trailing slash ("src/app.js" → "src/"; "a.html" → ""). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash + 1);
}

/**
 * The project path a reference from `fromPath` points to, or undefined when it leaves the
 * project or is not a plain path (a scheme, `//host`, a data: or blob: URL).
 * @example resolveReference('src/app.js', './tasks.js') // 'src/tasks.js'
 */
export function resolveReference(fromPath: string, reference: string): string | undefined {
  const bare = reference.trim().split(/[?#]/, 1)[0] ?? '';
  if (bare === '' || /^[a-z][a-z\d+.-]*:/i.test(bare) || bare.startsWith('//')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURI(bare);
  } catch {
    decoded = bare;
  }
  const joined = decoded.startsWith('/') ? decoded.slice(1) : folderOf(fromPath) + decoded;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

/**
 * The page a preview shows: the root `index.html`, else `public/index.html`, else
 * `src/index.html`, else the shallowest `index.html` (then by name); none when the project
 * has no `index.html`.
 */
export function choosePage(paths: Iterable<string>): string | undefined {
  const pages = [...paths].filter((path) => path === 'index.html' || path.endsWith('/index.html'));
  for (const preferred of ['index.html', 'public/index.html', 'src/index.html'])
    if (pages.includes(preferred)) return preferred;
  const depth = (path: string) => path.split('/').length;
  return pages.sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))[0];
}

const types = new Map([
  ['html', 'text/html'],
  ['htm', 'text/html'],
  ['js', 'text/javascript'],
  ['mjs', 'text/javascript'],
  ['cjs', 'text/javascript'],
  ['css', 'text/css'],
  ['json', 'application/json'],
  ['svg', 'image/svg+xml'],
  ['txt', 'text/plain'],
  ['md', 'text/markdown'],
  ['xml', 'application/xml'],
  ['csv', 'text/csv'],
  ['webmanifest', 'application/manifest+json'],
]);

/** The media type a file is served as, from its extension. */
export function mediaType(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return types.get(extension) ?? 'text/plain';
}

/** Whether a file is loaded as JavaScript (its imports are rewritten). */
export function isScript(path: string): boolean {
  return /\.(m?js|cjs)$/i.test(path);
}
