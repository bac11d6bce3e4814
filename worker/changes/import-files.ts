import ignore from 'ignore';
import { languageOf } from '../artifacts/language.ts';
import { checkFileSet, normalizeArtifactPath } from '../artifacts/safe-path.ts';
import { toBase64 } from '../sync/base64url.ts';
import { binaryLanguage } from './binary-file.ts';

/*
 * Bringing a project in from a ZIP or a folder. What arrives is someone's disk, so it is
 * read like model output: every path through the one path rule (hostile names refused,
 * case clashes dropped), sizes and counts bounded before anything is kept, what the
 * project's .gitignore files ignore left out, and binary files kept byte for byte (as
 * base64) but never shown to a model.
 */

/** A file as read from the folder or the ZIP: its path inside the project and its bytes. */
export interface IncomingFile {
  path: string;
  bytes: Uint8Array;
}

/** A file to be stored: text as it is, a binary file as base64. */
export interface ImportedFile {
  path: string;
  content: string;
  language: string;
  binary: boolean;
  /** Bytes on disk. */
  size: number;
}

export interface ImportResult {
  files: ImportedFile[];
  /** What was left out, with the path as it arrived and why. */
  skipped: { path: string; reason: string }[];
}

export interface ImportLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const defaultImportLimits: ImportLimits = {
  maxFiles: 2000,
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
};

/** Folders no project means to import: a repository's own data and installed packages. */
const alwaysSkipped = /(^|\/)(\.git|node_modules|__pycache__|\.venv)(\/|$)|(^|\/)\.DS_Store$/;

/**
 * Reads incoming files into files to store, honouring the .gitignore files among them
 * (each for its own folder, as git does) and the limits.
 *
 * @example
 * prepareImport([{ path: 'src/a.js', bytes }, { path: '../x', bytes }])
 * // { files: [{ path: 'src/a.js', … }], skipped: [{ path: '../x', reason: 'The path "../x" climbs …' }] }
 */
export function prepareImport(
  incoming: readonly IncomingFile[],
  limits: ImportLimits = defaultImportLimits,
): ImportResult {
  const skipped: { path: string; reason: string }[] = [];
  const slashed = incoming.map((file) => ({ ...file, path: file.path.replace(/\\/g, '/') }));
  const rooted = stripSharedRoot(slashed);
  const matchers = gitignoreMatchers(rooted);

  const wanted: IncomingFile[] = [];
  for (const file of rooted) {
    if (alwaysSkipped.test(file.path)) {
      skipped.push({ path: file.path, reason: `${file.path} is repository or package data, not part of the project.` });
    } else if (isIgnored(matchers, file.path)) {
      skipped.push({ path: file.path, reason: `${file.path} is ignored by .gitignore.` });
    } else wanted.push(file);
  }

  const checked = checkFileSet(wanted);
  skipped.push(...checked.rejected);
  const files: ImportedFile[] = [];
  let total = 0;
  for (const file of checked.accepted) {
    if (files.length >= limits.maxFiles) {
      skipped.push({ path: file.path, reason: `${file.path} is past the limit of ${limits.maxFiles} files.` });
      continue;
    }
    if (file.bytes.length > limits.maxFileBytes) {
      skipped.push({
        path: file.path,
        reason: `${file.path} is ${formatMb(file.bytes.length)}; files over ${formatMb(limits.maxFileBytes)} are left out.`,
      });
      continue;
    }
    if (total + file.bytes.length > limits.maxTotalBytes) {
      skipped.push({
        path: file.path,
        reason: `${file.path} would take the project past ${formatMb(limits.maxTotalBytes)} in all.`,
      });
      continue;
    }
    total += file.bytes.length;
    const text = textOf(file.bytes);
    files.push(
      text === null
        ? {
            path: file.path,
            content: toBase64(file.bytes),
            language: binaryLanguage,
            binary: true,
            size: file.bytes.length,
          }
        : { path: file.path, content: text, language: languageOf(file.path), binary: false, size: file.bytes.length },
    );
  }
  return { files, skipped };
}

/** The text of UTF-8 bytes, byte-exact on the way back (a BOM is kept); null for anything else. */
export function textOf(bytes: Uint8Array): string | null {
  // A NUL in the first 8 KB is how git tells binary files too.
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** A ZIP of a folder holds everything under `folder/`: the project is what is inside it. */
function stripSharedRoot(files: IncomingFile[]): IncomingFile[] {
  const first = files[0]?.path.replace(/^\.\//, '').split('/')[0];
  // Only a plain folder name is a root: "..", a drive or a hostile name stays for the path rule to refuse.
  const check = first === undefined ? null : normalizeArtifactPath(first);
  if (first === undefined || !check?.ok || check.path !== first) return files;
  const prefix = `${first}/`;
  if (!files.every((file) => file.path.replace(/^\.\//, '').startsWith(prefix))) return files;
  return files.map((file) => ({ ...file, path: file.path.replace(/^\.\//, '').slice(prefix.length) }));
}

interface Matcher {
  folder: string;
  rules: ReturnType<typeof ignore>;
}

function gitignoreMatchers(files: IncomingFile[]): Matcher[] {
  const matchers: Matcher[] = [];
  for (const file of files) {
    const match = /^(.*\/)?\.gitignore$/.exec(file.path);
    if (!match) continue;
    const text = textOf(file.bytes);
    if (text === null) continue;
    matchers.push({ folder: match[1] ?? '', rules: ignore().add(text) });
  }
  return matchers;
}

function isIgnored(matchers: Matcher[], path: string): boolean {
  for (const matcher of matchers) {
    if (matcher.folder !== '' && !path.startsWith(matcher.folder)) continue;
    const relative = path.slice(matcher.folder.length);
    // `ignore` refuses paths it cannot judge (absolute, "..", empty); those fall to the path rule.
    if (relative === '' || !ignore.isPathValid(relative)) continue;
    if (matcher.rules.ignores(relative)) return true;
  }
  return false;
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}

/**
 * The files of a ZIP, read with the limits applied as they are inflated (a small ZIP can
 * inflate to gigabytes). Folders are implied by their files.
 */
export async function readZip(
  bytes: Uint8Array,
  limits: ImportLimits = defaultImportLimits,
): Promise<
  { ok: true; files: IncomingFile[]; skipped: { path: string; reason: string }[] } | { ok: false; message: string }
> {
  // JSZip is loaded the first time a ZIP is brought in, not with the engine.
  const { default: JSZip } = await import('jszip');
  let zip: InstanceType<typeof JSZip>;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (error) {
    return {
      ok: false,
      message: `This is not a ZIP file Orchestra can read (${error instanceof Error ? error.message : String(error)}).`,
    };
  }
  const entries: { name: string; entry: InstanceType<typeof JSZip>['files'][string] }[] = [];
  zip.forEach((name, entry) => {
    if (!entry.dir) entries.push({ name, entry });
  });
  if (entries.length > limits.maxFiles * 4) {
    return {
      ok: false,
      message: `The ZIP holds ${entries.length} files; at most ${limits.maxFiles} can be brought in.`,
    };
  }
  const files: IncomingFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let total = 0;
  for (const { name, entry } of entries) {
    // The size the ZIP declares, read before inflating (JSZip keeps it on a field of its own).
    const declared = (entry as unknown as { _data?: { uncompressedSize?: unknown } })._data?.uncompressedSize;
    if (typeof declared === 'number' && declared > limits.maxFileBytes) {
      skipped.push({
        path: name,
        reason: `${name} is ${formatMb(declared)}; files over ${formatMb(limits.maxFileBytes)} are left out.`,
      });
      continue;
    }
    const content = await entry.async('uint8array');
    if (content.length > limits.maxFileBytes) {
      skipped.push({
        path: name,
        reason: `${name} is ${formatMb(content.length)}; files over ${formatMb(limits.maxFileBytes)} are left out.`,
      });
      continue;
    }
    total += content.length;
    if (total > limits.maxTotalBytes * 2) {
      return {
        ok: false,
        message: `The ZIP unpacks to more than ${formatMb(limits.maxTotalBytes * 2)}; bring in a smaller project.`,
      };
    }
    files.push({ path: name, bytes: content });
  }
  return { ok: true, files, skipped };
}
