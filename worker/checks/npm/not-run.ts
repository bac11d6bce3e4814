/**
 * What an install in the tab deliberately leaves undone, said in the run's output rather
 * than skipped in silence: a package's install-time scripts (`preinstall`, `install`,
 * `postinstall`, and the implicit `node-gyp rebuild` of a package with a `binding.gyp`)
 * are never run, since they are arbitrary code meant for a real machine (often a native
 * build), and its `bin` commands are not linked into `node_modules/.bin`.
 *
 * Read from the package.json inside the verified archive, not from the registry's
 * metadata, so a registry that leaves out `hasInstallScript` changes nothing.
 */

import { objectOf } from './untrusted-json.ts';

const installScripts = ['preinstall', 'install', 'postinstall'] as const;

/** The command names a manifest's `bin` declares (a string `bin` is named after the package). */
function binNames(manifest: Record<string, unknown>): string[] {
  const bin = manifest['bin'];
  if (typeof bin === 'string') {
    const name = typeof manifest['name'] === 'string' ? manifest['name'] : '';
    return [name.split('/').pop() ?? name].filter((each) => each !== '');
  }
  return Object.keys(objectOf(bin) ?? {}).sort();
}

const cap = (names: string[], most = 5) =>
  names.length <= most ? names.join(', ') : `${names.slice(0, most).join(', ')} and ${names.length - most} more`;

/**
 * The sentences for one installed package. `label` names it ("'left-pad@1.3.0'"),
 * `files` are its unpacked files by path inside the package.
 * @example notRunNotes("'esbuild@0.25.0'", files) // ["'esbuild@0.25.0' declares an install script (postinstall: …); it was not run…"]
 */
export function notRunNotes(label: string, files: ReadonlyMap<string, string>): string[] {
  let manifest: Record<string, unknown> | undefined;
  try {
    manifest = objectOf(JSON.parse(files.get('package.json') ?? 'null'));
  } catch {
    manifest = undefined;
  }
  if (!manifest) return [];
  const notes: string[] = [];
  const scripts = objectOf(manifest['scripts']) ?? {};
  const declared = installScripts.filter((name) => typeof scripts[name] === 'string');
  const gyp = declared.length === 0 && files.has('binding.gyp');
  if (declared.length > 0 || gyp) {
    const what = gyp
      ? 'a native build (binding.gyp, which npm builds with node-gyp)'
      : `an install script (${declared.map((name) => `${name}: ${String(scripts[name]).slice(0, 80)}`).join('; ')})`;
    notes.push(
      `${label} declares ${what}; it was not run: the tab never runs install scripts, so whatever it would build or download is missing.`,
    );
  }
  const commands = binNames(manifest);
  if (commands.length > 0)
    notes.push(
      `${label} declares command${commands.length === 1 ? '' : 's'} (${cap(commands)}); ${commands.length === 1 ? 'it was' : 'they were'} not linked into node_modules/.bin, and nothing runs ${commands.length === 1 ? 'it' : 'them'}: the tests can import the package, not call its commands.`,
    );
  return notes;
}
