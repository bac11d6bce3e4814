/**
 * Which lock file npm reads at a project's root. Kept apart from `lockfile.ts` (loaded
 * with the installer) so the engine can pick the file without loading the reader.
 */

/** The files npm reads a lock from, at a project's root. */
export type LockName = 'package-lock.json' | 'npm-shrinkwrap.json';

/** A project's lock file: which one, and its text. */
export interface ProjectLock {
  name: LockName;
  text: string;
}

/**
 * The lock npm would read among a project's files: `npm-shrinkwrap.json` when there is one
 * (it wins over `package-lock.json`, as in npm), else `package-lock.json`.
 * @example projectLock([{ path: 'package-lock.json', content: '{…}' }]) // { name: 'package-lock.json', text: '{…}' }
 */
export function projectLock(files: readonly { path: string; content: string }[]): ProjectLock | undefined {
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json'] as const) {
    const file = files.find((each) => each.path === name);
    if (file) return { name, text: file.content };
  }
  return undefined;
}
