/**
 * Which project files each file imports, read from its text (a test run needs no
 * runtime to say which code a test touches). JavaScript/TypeScript: static and dynamic
 * `import`, `export … from`, `require()`; Python: `import a.b` and `from (.)a import b`.
 * Only imports that resolve to a file of the project count; packages are left out.
 */

const jsSpecifiers =
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const pyImports = /^\s*(?:from\s+(\.*[\w.]*)\s+import\s+([\w*, ()]+)|import\s+([\w., ]+))/gm;
const jsExtensions = ['', '.js', '.mjs', '.cjs', '.ts', '.tsx', '.jsx', '.mts', '.cts'];
const jsIndex = ['/index.js', '/index.ts', '/index.mjs', '/index.tsx', '/index.jsx'];

function dirname(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

/** Joins and normalises a relative path; undefined when it leaves the project. */
export function joinPath(base: string, relative: string): string | undefined {
  const parts = base === '' ? [] : base.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function resolveJs(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined;
  const target = joinPath(specifier.startsWith('/') ? '' : dirname(from), specifier);
  if (target === undefined) return undefined;
  // TypeScript sources import their siblings by the emitted name: './a.js' for './a.ts'.
  const stem = target.replace(/\.(m|c)?js$/, '');
  for (const candidate of [
    ...jsExtensions.map((ext) => target + ext),
    ...jsExtensions.map((ext) => stem + ext),
    ...jsIndex.map((index) => target + index),
  ])
    if (files.has(candidate)) return candidate;
  return undefined;
}

function resolvePy(from: string, module: string, names: string[], files: ReadonlySet<string>): string[] {
  const dots = /^\.*/.exec(module)?.[0].length ?? 0;
  const rest = module.slice(dots).split('.').filter(Boolean);
  const bases: string[] = [];
  if (dots > 0) {
    let base: string | undefined = dirname(from);
    for (let up = 1; up < dots && base !== undefined; up += 1) base = base === '' ? undefined : dirname(base);
    if (base !== undefined) bases.push(base);
  } else {
    // Absolute: from the project root, the importing file's folder, and src/.
    bases.push('', dirname(from), 'src');
  }
  const found: string[] = [];
  for (const base of new Set(bases)) {
    const stem = [base, ...rest].filter(Boolean).join('/');
    for (const candidate of [`${stem}.py`, `${stem}/__init__.py`]) if (files.has(candidate)) found.push(candidate);
    // `from pkg import module` names a module too.
    for (const name of names) {
      const candidate = `${[stem, name].filter(Boolean).join('/')}.py`;
      if (files.has(candidate)) found.push(candidate);
    }
  }
  return found;
}

/** The project files `path` imports directly. */
export function importsOf(path: string, content: string, files: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  if (/\.py$/.test(path)) {
    for (const match of content.matchAll(pyImports)) {
      if (match[1] !== undefined) {
        const names = (match[2] ?? '')
          .replace(/[()]/g, '')
          .split(',')
          .map((name) => name.trim().split(/\s+/)[0] ?? '');
        for (const file of resolvePy(path, match[1], names.filter(Boolean), files)) found.add(file);
      } else {
        for (const module of (match[3] ?? '').split(',')) {
          const name = module.trim().split(/\s+/)[0] ?? '';
          if (name) for (const file of resolvePy(path, name, [], files)) found.add(file);
        }
      }
    }
  } else {
    for (const match of content.matchAll(jsSpecifiers)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      const file = specifier === undefined ? undefined : resolveJs(path, specifier, files);
      if (file !== undefined && file !== path) found.add(file);
    }
  }
  return [...found];
}

/**
 * Every project file each of `roots` reaches through imports, itself included.
 * @example reachable(['test/a.test.js'], contents) // Map { 'test/a.test.js' => Set { 'test/a.test.js', 'src/a.js' } }
 */
export function reachable(roots: readonly string[], contents: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const files = new Set(contents.keys());
  const direct = new Map<string, string[]>();
  const edges = (path: string) => {
    let list = direct.get(path);
    if (!list) {
      list = importsOf(path, contents.get(path) ?? '', files);
      direct.set(path, list);
    }
    return list;
  };
  const result = new Map<string, Set<string>>();
  for (const root of roots) {
    const seen = new Set<string>([root]);
    const queue = [root];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      for (const file of edges(next)) {
        if (seen.has(file)) continue;
        seen.add(file);
        queue.push(file);
      }
    }
    result.set(root, seen);
  }
  return result;
}
