import JSZip from 'jszip';
import { checkFileSet, normalizeArtifactPath } from './safe-path.ts';

/**
 * The Export ZIP. Everything goes under one folder named after the project, so unpacking it
 * never scatters files into the folder it is unpacked in, and every path passes the same
 * checks as when it was stored: an export is the moment a hostile name would reach a disk.
 */

export interface ProjectZipInput {
  projectName: string;
  /** `binary` files hold base64 and are written as their decoded bytes. */
  files: { path: string; content: string; binary?: boolean }[];
  orchestraMd: string;
}

export interface ProjectZip {
  /** `<slug>.zip` */
  filename: string;
  bytes: Uint8Array;
  /** Files left out, with the path as stored and why. */
  skipped: { path: string; reason: string }[];
}

// Every entry carries this date instead of "now", so the same project gives the same bytes
// (and the same hash). 1980-02-01 rather than the DOS epoch itself: an unzipper that shifts
// the time by its time zone would otherwise land before 1980, which DOS dates cannot hold.
const fixedDate = new Date(Date.UTC(1980, 1, 1, 0, 0, 0));
const recordName = 'ORCHESTRA.md';
const maxSlugLength = 60;

/**
 * Builds the project's ZIP in memory: `<slug>/ORCHESTRA.md` and `<slug>/<path>` for every
 * file whose path is safe; the rest are listed in `skipped`. Entries are sorted by path.
 *
 * @example
 * const zip = await buildProjectZip({ projectName: 'My Todo App', files, orchestraMd });
 * zip.filename // 'my-todo-app.zip'
 */
export async function buildProjectZip(input: ProjectZipInput): Promise<ProjectZip> {
  const root = slugOf(input.projectName);
  // The record goes first so it wins any clash; a project file of the same name is skipped.
  const { accepted, rejected } = checkFileSet([{ path: recordName, content: input.orchestraMd }, ...input.files]);
  const skipped = rejected.map((entry) => ({ path: entry.path, reason: recordClash(entry) ?? entry.reason }));
  const [record, ...files] = accepted;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const zip = new JSZip();
  // Folders are added by hand: JSZip would otherwise create them dated "now".
  const folders = new Set<string>();
  const addFolder = (path: string) => {
    if (folders.has(path)) return;
    folders.add(path);
    zip.file(`${path}/`, null, { dir: true, date: fixedDate, createFolders: false });
  };
  const addFile = (path: string, content: string, binary = false) => {
    const segments = path.split('/');
    for (let end = 1; end < segments.length; end++) addFolder(`${root}/${segments.slice(0, end).join('/')}`);
    zip.file(`${root}/${path}`, content, { date: fixedDate, createFolders: false, base64: binary });
  };

  addFolder(root);
  if (record !== undefined) addFile(record.path, record.content);
  for (const file of files) addFile(file.path, file.content, file.binary === true);

  const bytes = await zip.generateAsync({
    type: 'uint8array',
    compression: 'DEFLATE',
    compressionOptions: { level: 6 },
  });
  return { filename: `${root}.zip`, bytes, skipped };
}

/**
 * A folder and file name from the project's name: lower-case ASCII letters, digits and
 * dashes, `project` when nothing is left or the result is not a safe name (say, `con`).
 *
 * @example
 * slugOf('Mon Café — v2!') // 'mon-cafe-v2'
 */
export function slugOf(projectName: string): string {
  const slug = projectName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxSlugLength)
    .replace(/^-+|-+$/g, '');
  return slug !== '' && normalizeArtifactPath(slug).ok ? slug : 'project';
}

/** A clearer reason when a project file collides with Orchestra's own record. */
function recordClash(entry: { path: string }): string | null {
  const check = normalizeArtifactPath(entry.path);
  if (!check.ok || check.path.toLowerCase() !== recordName.toLowerCase()) return null;
  return `${check.path} is left out: the export's ${recordName} is Orchestra's record of the build.`;
}
