/**
 * Which files `node --test` would run: with no arguments, files named like tests anywhere
 * outside node_modules (`*.test.js`, `*-test.js`, `*_test.js`, `test-*.js`, `test.js`, and
 * everything under a `test/` directory; .cjs/.mjs and, as a Node with type stripping runs
 * them, .ts/.mts/.cts too); with arguments, the files, directories and globs they name.
 * The list is sorted, as Node runs it.
 */
import posix from './path.ts';
import { projectRoot, type Vfs } from './vfs.ts';

const extension = String.raw`\.(?:c|m)?(?:js|ts)$`;
const testName = new RegExp(String.raw`(?:^|/)(?:[^/]*[.\-_]test|test-[^/]*|test)${extension}`);
const inTestDir = new RegExp(String.raw`(?:^|/)test/(?:.*/)?[^/]+${extension}`);

/** Whether a project-relative path is a test file by Node's default patterns. */
export function isDefaultTestFile(path: string): boolean {
  if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) return false;
  if (path.split('/').includes('node_modules')) return false;
  return testName.test(path) || inTestDir.test(path);
}

/** A glob (`*`, `**`, `?`, `{a,b}`) as a regular expression over project-relative paths. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] ?? '';
    if (char === '*') {
      if (glob[index + 1] === '*') {
        const slash = glob[index + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        index += slash ? 2 : 1;
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '{') {
      const close = glob.indexOf('}', index);
      if (close === -1) source += '\\{';
      else {
        source += `(?:${glob
          .slice(index + 1, close)
          .split(',')
          .map((part) => part.replace(/[.+^$()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*'))
          .join('|')})`;
        index = close;
      }
    } else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function projectFiles(vfs: Vfs): string[] {
  const files: string[] = [];
  for (const path of vfs.filePaths())
    if (path.startsWith(`${projectRoot}/`)) files.push(path.slice(projectRoot.length + 1));
  return files.sort();
}

/**
 * The test files to run, project-relative. `args` are the positional arguments of the
 * project's `node --test …` script, if any.
 */
export function discoverTestFiles(vfs: Vfs, args: readonly string[] = []): string[] {
  const files = projectFiles(vfs);
  if (args.length === 0) return files.filter(isDefaultTestFile);
  const chosen = new Set<string>();
  for (const arg of args) {
    const normalized = posix.normalize(arg).replace(/^\.\//, '').replace(/\/$/, '');
    const entry = vfs.get(posix.join(projectRoot, normalized));
    if (entry?.kind === 'file') chosen.add(normalized);
    else if (entry?.kind === 'dir') {
      const prefix = normalized === '.' ? '' : `${normalized}/`;
      for (const file of files) if (file.startsWith(prefix) && isDefaultTestFile(file)) chosen.add(file);
    } else {
      const pattern = globToRegExp(normalized);
      for (const file of files) if (pattern.test(file) && !file.split('/').includes('node_modules')) chosen.add(file);
    }
  }
  return [...chosen].sort();
}
