/**
 * File paths named by model output. A model can be wrong or be steered by a hostile prompt,
 * and its paths end up in a ZIP that someone unpacks on Windows, macOS or Linux. So every
 * path is either brought to one canonical relative form or rejected with a reason a person
 * (or the model, on a repair turn) can act on. Nothing here touches storage.
 */

import { sha256HexSync } from '../events/hash.ts';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

const maxSegmentLength = 120;
const maxPathLength = 240;
const maxSegments = 20;

// Windows refuses these as a file's base name whatever the extension ("con.txt" too),
// including the superscript digits ("COM¹") and the console's own names.
const reservedBaseName = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)$/i;
// A Windows short (8.3) name: "GIT~1" is how Windows may also reach ".git", and "PROGRA~1"
// another folder, so a name of this shape can alias a file it does not spell.
const shortName = /^[^~]{1,6}~[0-9]+(\.|$)/;
// Characters a file list does not show or that reorder what it shows: zero-width and other
// default-ignorable characters (HFS+ ignores some, so ".g\u200cit" is ".git" there), format
// characters, the bidi controls that disguise "exe.txt" as "txt.exe", and line separators.
const invisibleCharacter = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Bidi_Control}\p{Zl}\p{Zp}]/u;
const forbiddenCharacter = /[<>:"|?*]/;
// C0 controls, DEL and C1 controls: invisible in a file list, and NUL truncates paths in C.
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
// Encoded dot, slash, backslash and NUL: a later decode could turn them into "..", "/" or a
// terminator, so a name that carries them is suspicious rather than merely odd.
const suspiciousEncoding = /%(2e|2f|5c|00)/i;
// `C:x` is relative to the current folder of drive C, so it is as unsafe as `C:\x`.
const driveLetter = /^[a-z]:/i;
const urlScheme = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Brings a model-named path to canonical relative form, or says why it cannot be written.
 *
 * @example
 * normalizeArtifactPath('./src//a.js')  // { ok: true, path: 'src/a.js' }
 * normalizeArtifactPath('src\\b.py')    // { ok: true, path: 'src/b.py' }
 * normalizeArtifactPath('../etc/passwd') // { ok: false, reason: '"../etc/passwd" climbs …' }
 */
export function normalizeArtifactPath(raw: string): PathCheck {
  const shown = JSON.stringify(raw);
  const text = raw.normalize('NFC').trim();
  if (text === '') return fail(`The path ${shown} is empty.`);
  if (controlCharacter.test(text)) {
    return fail(`The path ${shown} contains a NUL or control character.`);
  }
  if (invisibleCharacter.test(text)) {
    return fail(
      `The path ${shown} contains an invisible or direction-changing character, which could disguise its name.`,
    );
  }
  if (suspiciousEncoding.test(text)) {
    return fail(`The path ${shown} contains a percent-encoded dot, slash, backslash or NUL, which could hide "..".`);
  }
  const slashed = text.replace(/\\/g, '/');
  if (slashed.startsWith('/')) {
    return fail(`The path ${shown} is absolute; files must be named relative to the project folder.`);
  }
  if (driveLetter.test(slashed)) {
    return fail(`The path ${shown} names a Windows drive; files must be named relative to the project folder.`);
  }
  if (urlScheme.test(slashed)) {
    return fail(`The path ${shown} is a URL (it starts with a scheme such as "file:"), not a relative file path.`);
  }

  const segments = slashed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) return fail(`The path ${shown} names no file.`);
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem !== null) return fail(`The path ${shown} ${problem}`);
  }
  if (segments.length > maxSegments) {
    return fail(`The path ${shown} is nested ${segments.length} folders deep; at most ${maxSegments} are allowed.`);
  }
  const path = segments.join('/');
  if (path.length > maxPathLength) {
    return fail(`The path ${shown} is ${path.length} characters long; at most ${maxPathLength} are allowed.`);
  }
  return { ok: true, path };
}

/** Why one segment cannot be written, as the end of a sentence, or null when it can. */
function segmentProblem(segment: string): string | null {
  if (segment === '..') return 'climbs out of the project folder with "..".';
  if (segment.toLowerCase() === '.git') return 'writes into ".git", which would rewrite the repository itself.';
  if (forbiddenCharacter.test(segment)) {
    return `has "${segment}", which contains one of < > : " | ? *, not allowed in Windows file names.`;
  }
  if (/[. ]$/.test(segment)) {
    return `has "${segment}", which ends in a dot or space; Windows silently drops those.`;
  }
  if (shortName.test(segment)) {
    return `has "${segment}", a Windows short (8.3) name, which can stand for another file or folder (such as .git).`;
  }
  const baseName = segment.split('.')[0] ?? segment;
  if (reservedBaseName.test(baseName.trimEnd()) || reservedBaseName.test(baseName.normalize('NFKC').trimEnd())) {
    return `has "${segment}", a name Windows reserves for a device.`;
  }
  if (segment.length > maxSegmentLength) {
    return `has a name ${segment.length} characters long; at most ${maxSegmentLength} are allowed.`;
  }
  return null;
}

/**
 * A file name made from a generated or model-chosen id (a task id, say): the id itself
 * when it is one safe segment, else a stable name derived from its hash, so two ids never
 * share a file and no id can name a folder, a device or a climb.
 *
 * @example
 * safeFileName('review-1', '.json') // 'review-1.json'
 * safeFileName('../x', '.json')     // 'id-3c1f…(16 hex).json'
 */
export function safeFileName(id: string, extension: string): string {
  const name = `${id}${extension}`;
  const check = normalizeArtifactPath(name);
  if (
    check.ok &&
    check.path === name &&
    !/[/\\]/.test(id) &&
    /^[A-Za-z0-9._-]+$/.test(id) &&
    !/^id-[0-9a-f]{16}$/.test(id)
  ) {
    return name;
  }
  return `id-${sha256HexSync(id).slice(0, 16)}${extension}`;
}

function fail(reason: string): PathCheck {
  return { ok: false, reason };
}

export interface FileSetCheck<T extends { path: string }> {
  /** Files that may be written, each with its normalised path, in input order. */
  accepted: T[];
  /** Files that may not, with the path as the model gave it. */
  rejected: { path: string; reason: string }[];
}

/**
 * Normalises every path of a set and drops the ones that would clash once unpacked: exact
 * duplicates, names differing only by case (one file on Windows and macOS), and a file
 * where an earlier file needs a folder of the same name, or the reverse. The first file wins.
 *
 * @example
 * checkFileSet([{ path: 'src/app.js' }, { path: 'src/App.js' }])
 * // accepted: [{ path: 'src/app.js' }], rejected: [{ path: 'src/App.js', reason: 'src/App.js duplicates …' }]
 */
export function checkFileSet<T extends { path: string }>(files: T[]): FileSetCheck<T> {
  const accepted: T[] = [];
  const rejected: { path: string; reason: string }[] = [];
  // Keys are lower-cased so that the checks match what case-insensitive file systems see.
  const filePaths = new Map<string, string>();
  const folderPaths = new Map<string, string>();

  for (const file of files) {
    const check = normalizeArtifactPath(file.path);
    if (!check.ok) {
      rejected.push({ path: file.path, reason: check.reason });
      continue;
    }
    const path = check.path;
    const clash = clashOf(path, filePaths, folderPaths);
    if (clash !== null) {
      rejected.push({ path: file.path, reason: clash });
      continue;
    }
    filePaths.set(path.toLowerCase(), path);
    for (const folder of foldersOf(path)) folderPaths.set(folder.toLowerCase(), folder);
    accepted.push({ ...file, path });
  }
  return { accepted, rejected };
}

function clashOf(path: string, filePaths: Map<string, string>, folderPaths: Map<string, string>): string | null {
  const key = path.toLowerCase();
  const earlier = filePaths.get(key);
  if (earlier === path) return `${path} appears more than once; the first copy is kept.`;
  if (earlier !== undefined) {
    return `${path} duplicates ${earlier} (names differing only by case clash on Windows and macOS).`;
  }
  const folder = folderPaths.get(key);
  if (folder !== undefined) return `${path} is a file, but earlier files use ${folder} as a folder.`;
  for (const parent of foldersOf(path)) {
    const parentFile = filePaths.get(parent.toLowerCase());
    if (parentFile !== undefined) return `${path} would go inside ${parentFile}, which is already a file.`;
  }
  return null;
}

/** `a/b/c.js` → `a`, `a/b`. */
function foldersOf(path: string): string[] {
  const segments = path.split('/');
  const folders: string[] = [];
  for (let end = 1; end < segments.length; end++) folders.push(segments.slice(0, end).join('/'));
  return folders;
}
