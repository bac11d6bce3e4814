/**
 * Which dependency declarations the tab can install: a valid npm package name with a
 * registry version, range or dist-tag. Git URLs, tarball URLs, local paths, workspaces and
 * aliases are named as such, so a run blocked by one says why.
 */

/** npm's rules for a package name (validate-npm-package-name, for new packages). */
const namePattern = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Whether `name` is a package name the registry could hold; never a path or a URL. */
export function isPackageName(name: string): boolean {
  return name.length > 0 && name.length <= 214 && namePattern.test(name) && !name.includes('..');
}

export type DependencySpec = { kind: 'registry'; spec: string } | { kind: 'unsupported'; why: string };

/**
 * How a declared version is read.
 * @example readSpec('^1.2.0') // { kind: 'registry', spec: '^1.2.0' }
 * @example readSpec('github:a/b') // { kind: 'unsupported', why: 'a Git repository' }
 */
export function readSpec(spec: string): DependencySpec {
  const trimmed = spec.trim();
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/i.test(trimmed) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(trimmed))
    return { kind: 'unsupported', why: 'a Git repository' };
  if (/^https?:/i.test(trimmed)) return { kind: 'unsupported', why: 'a URL' };
  if (/^(file:|link:|\.{0,2}\/|~\/)/i.test(trimmed)) return { kind: 'unsupported', why: 'a local path' };
  if (/^workspace:/i.test(trimmed)) return { kind: 'unsupported', why: 'a workspace package' };
  if (/^npm:/i.test(trimmed)) return { kind: 'unsupported', why: 'an alias of another package' };
  if (trimmed.length > 256) return { kind: 'unsupported', why: 'an overlong version' };
  return { kind: 'registry', spec: trimmed === '' ? '*' : trimmed };
}
