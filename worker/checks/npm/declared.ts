import { isPackageName, readSpec } from './package-name.ts';
import { objectOf, stringEntries } from './untrusted-json.ts';

/** One dependency a project's package.json declares. */
export interface DeclaredDependency {
  name: string;
  /** As written: "^1.2.0", "latest", "github:a/b"… */
  spec: string;
  optional: boolean;
  /** Set when the tab cannot install it: why ("a Git repository", "not a package name"). */
  unsupported?: string | undefined;
}

/**
 * The dependencies a project declares, as `npm install` reads them: `dependencies`,
 * `devDependencies` (the tests need them) and `optionalDependencies`, a name declared
 * twice taking its last place. Unusable manifests declare nothing.
 * @example declaredDependencies('{"devDependencies":{"left-pad":"^1.3.0"}}')
 */
export function declaredDependencies(manifestText: string | undefined): DeclaredDependency[] {
  if (manifestText === undefined) return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return [];
  }
  const record = objectOf(manifest);
  if (!record) return [];
  const byName = new Map<string, DeclaredDependency>();
  for (const [field, optional] of [
    ['dependencies', false],
    ['devDependencies', false],
    ['optionalDependencies', true],
  ] as const) {
    for (const [name, spec] of stringEntries(record[field])) {
      const read = readSpec(spec);
      const unsupported = !isPackageName(name)
        ? 'not a package name the registry can hold'
        : read.kind === 'unsupported'
          ? read.why
          : undefined;
      byName.set(name, { name, spec, optional, ...(unsupported ? { unsupported } : {}) });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
