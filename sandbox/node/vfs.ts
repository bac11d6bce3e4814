/**
 * The project's files in memory: what `fs`, the module loader and test discovery see.
 * Paths are absolute POSIX paths; the project sits at {@link projectRoot}. Writes stay in
 * memory and are gone with the run. Errors carry Node's codes and messages
 * ("ENOENT: no such file or directory, open '/project/x'").
 */
import posix from './path.ts';

export const projectRoot = '/project';
export const tmpRoot = '/tmp';
export const homeRoot = '/home/sandbox';

interface Times {
  ino: number;
  birthtimeMs: number;
  mtimeMs: number;
  atimeMs: number;
  ctimeMs: number;
  mode: number;
}

export interface FileEntry extends Times {
  kind: 'file';
  /** The content as text, when it was given or last read as text. */
  text: string | undefined;
  /** The content as bytes, when it was written or last read as bytes. */
  bytes: Uint8Array | undefined;
}

export interface DirEntry extends Times {
  kind: 'dir';
}

export type Entry = FileEntry | DirEntry;

type ErrorCode = 'ENOENT' | 'EEXIST' | 'EISDIR' | 'ENOTDIR' | 'ENOTEMPTY' | 'EINVAL' | 'EPERM' | 'EBADF';

const errnos: Record<ErrorCode, [number, string]> = {
  ENOENT: [-2, 'no such file or directory'],
  EEXIST: [-17, 'file already exists'],
  EISDIR: [-21, 'illegal operation on a directory'],
  ENOTDIR: [-20, 'not a directory'],
  ENOTEMPTY: [-39, 'directory not empty'],
  EINVAL: [-22, 'invalid argument'],
  EPERM: [-1, 'operation not permitted'],
  EBADF: [-9, 'bad file descriptor'],
};

/** An error shaped like Node's system errors (code, errno, syscall, path). */
export class FsError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path: string;
  readonly dest: string | undefined;

  constructor(code: ErrorCode, syscall: string, path: string, dest?: string) {
    const [errno, text] = errnos[code];
    super(`${code}: ${text}, ${syscall} '${path}'${dest === undefined ? '' : ` -> '${dest}'`}`);
    this.name = 'Error';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    this.path = path;
    this.dest = dest;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Vfs {
  private readonly entries = new Map<string, Entry>();
  private nextIno = 1;

  constructor(files: readonly { path: string; content: string }[] = []) {
    for (const dir of ['/', tmpRoot, '/home', homeRoot, projectRoot]) this.entries.set(dir, this.dir());
    for (const file of files) {
      const path = posix.resolve(projectRoot, file.path);
      if (!path.startsWith(`${projectRoot}/`)) continue;
      this.mkdirp(posix.dirname(path));
      this.entries.set(path, { ...this.times(), kind: 'file', text: file.content, bytes: undefined });
    }
  }

  /** The entry at an absolute path, or undefined. */
  get(path: string): Entry | undefined {
    return this.entries.get(path);
  }

  /** Every file's absolute path, in no particular order. */
  *filePaths(): Iterable<string> {
    for (const [path, entry] of this.entries) if (entry.kind === 'file') yield path;
  }

  stat(path: string, syscall = 'stat'): Entry {
    const entry = this.entries.get(path);
    if (entry) return entry;
    this.checkParent(path, syscall);
    throw new FsError('ENOENT', syscall, path);
  }

  /** A file's text (decoded as UTF-8 when it holds bytes). */
  readText(path: string, syscall = 'open'): string {
    const file = this.file(path, syscall);
    file.atimeMs = Date.now();
    if (file.text === undefined) file.text = decoder.decode(file.bytes);
    return file.text;
  }

  /** A file's bytes (encoded as UTF-8 when it holds text). The caller must not change them. */
  readBytes(path: string, syscall = 'open'): Uint8Array {
    const file = this.file(path, syscall);
    file.atimeMs = Date.now();
    if (file.bytes === undefined) file.bytes = encoder.encode(file.text);
    return file.bytes;
  }

  size(path: string): number {
    const entry = this.stat(path);
    if (entry.kind === 'dir') return 4096;
    return entry.bytes?.byteLength ?? encoder.encode(entry.text).byteLength;
  }

  write(path: string, data: string | Uint8Array, options: { append?: boolean; exclusive?: boolean } = {}): void {
    const existing = this.entries.get(path);
    if (existing?.kind === 'dir') throw new FsError('EISDIR', 'open', path);
    if (existing && options.exclusive) throw new FsError('EEXIST', 'open', path);
    this.requireDir(posix.dirname(path), 'open', path);
    let text: string | undefined;
    let bytes: Uint8Array | undefined;
    if (options.append && existing?.kind === 'file') {
      if (typeof data === 'string' && existing.text !== undefined) text = existing.text + data;
      else {
        const before = this.readBytes(path);
        const added = typeof data === 'string' ? encoder.encode(data) : data;
        bytes = new Uint8Array(before.byteLength + added.byteLength);
        bytes.set(before);
        bytes.set(added, before.byteLength);
      }
    } else if (typeof data === 'string') text = data;
    else bytes = data.slice();
    const now = Date.now();
    if (existing?.kind === 'file') {
      existing.text = text;
      existing.bytes = bytes;
      existing.mtimeMs = now;
      existing.ctimeMs = now;
    } else {
      this.entries.set(path, { ...this.times(), kind: 'file', text, bytes });
      this.touchParent(path);
    }
  }

  /** Creates a directory; with `recursive`, its parents too. Returns the first one made. */
  mkdir(path: string, recursive = false): string | undefined {
    const existing = this.entries.get(path);
    if (existing) {
      if (recursive && existing.kind === 'dir') return undefined;
      throw new FsError('EEXIST', 'mkdir', path);
    }
    if (!recursive) {
      this.requireDir(posix.dirname(path), 'mkdir', path);
      this.entries.set(path, this.dir());
      this.touchParent(path);
      return path;
    }
    return this.mkdirp(path, 'mkdir');
  }

  readdir(path: string): string[] {
    const entry = this.stat(path, 'scandir');
    if (entry.kind !== 'dir') throw new FsError('ENOTDIR', 'scandir', path);
    const prefix = path === '/' ? '/' : `${path}/`;
    const names: string[] = [];
    for (const key of this.entries.keys()) {
      if (key.length > prefix.length && key.startsWith(prefix) && !key.includes('/', prefix.length)) {
        names.push(key.slice(prefix.length));
      }
    }
    return names.sort();
  }

  unlink(path: string): void {
    const entry = this.stat(path, 'unlink');
    if (entry.kind === 'dir') throw new FsError('EISDIR', 'unlink', path);
    this.entries.delete(path);
    this.touchParent(path);
  }

  rmdir(path: string): void {
    const entry = this.stat(path, 'rmdir');
    if (entry.kind !== 'dir') throw new FsError('ENOTDIR', 'rmdir', path);
    if (this.readdir(path).length > 0) throw new FsError('ENOTEMPTY', 'rmdir', path);
    this.entries.delete(path);
    this.touchParent(path);
  }

  rm(path: string, options: { recursive?: boolean; force?: boolean } = {}): void {
    const entry = this.entries.get(path);
    if (!entry) {
      if (options.force) return;
      throw new FsError('ENOENT', 'rm', path);
    }
    if (entry.kind === 'dir') {
      if (!options.recursive) throw new FsError('EISDIR', 'rm', path);
      const prefix = `${path}/`;
      for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
    }
    this.entries.delete(path);
    this.touchParent(path);
  }

  rename(from: string, to: string): void {
    const entry = this.stat(from, 'rename');
    this.requireDir(posix.dirname(to), 'rename', to);
    const target = this.entries.get(to);
    if (target?.kind === 'dir' && entry.kind === 'file') throw new FsError('EISDIR', 'rename', from, to);
    if (entry.kind === 'dir') {
      if (to.startsWith(`${from}/`)) throw new FsError('EINVAL', 'rename', from, to);
      const prefix = `${from}/`;
      for (const [key, value] of [...this.entries]) {
        if (key.startsWith(prefix)) {
          this.entries.delete(key);
          this.entries.set(to + key.slice(from.length), value);
        }
      }
    }
    this.entries.delete(from);
    this.entries.set(to, entry);
    this.touchParent(from);
    this.touchParent(to);
  }

  copyFile(from: string, to: string, exclusive = false): void {
    const source = this.file(from, 'copyfile');
    if (exclusive && this.entries.has(to)) throw new FsError('EEXIST', 'copyfile', from, to);
    this.write(to, source.text ?? source.bytes ?? '');
  }

  /** Makes a new directory named prefix + six random characters, as mkdtemp does. */
  mkdtemp(prefix: string): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    for (;;) {
      let suffix = '';
      for (let index = 0; index < 6; index += 1) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
      const path = prefix + suffix;
      if (!this.entries.has(path)) {
        this.requireDir(posix.dirname(path), 'mkdtemp', `${prefix}XXXXXX`);
        this.entries.set(path, this.dir());
        return path;
      }
    }
  }

  utimes(path: string, atimeMs: number, mtimeMs: number): void {
    const entry = this.stat(path, 'utime');
    entry.atimeMs = atimeMs;
    entry.mtimeMs = mtimeMs;
  }

  private file(path: string, syscall: string): FileEntry {
    const entry = this.stat(path, syscall);
    if (entry.kind === 'dir') throw new FsError('EISDIR', syscall === 'open' ? 'read' : syscall, path);
    return entry;
  }

  private checkParent(path: string, syscall: string): void {
    for (let dir = posix.dirname(path); dir !== '/'; dir = posix.dirname(dir)) {
      const entry = this.entries.get(dir);
      if (entry?.kind === 'file') throw new FsError('ENOTDIR', syscall, path);
      if (entry) return;
    }
  }

  private requireDir(dir: string, syscall: string, path: string): void {
    const entry = this.entries.get(dir);
    if (!entry) throw new FsError('ENOENT', syscall, path);
    if (entry.kind !== 'dir') throw new FsError('ENOTDIR', syscall, path);
  }

  private mkdirp(path: string, syscall = 'mkdir'): string | undefined {
    const missing: string[] = [];
    let dir = path;
    while (!this.entries.has(dir)) {
      missing.push(dir);
      dir = posix.dirname(dir);
    }
    if (this.entries.get(dir)?.kind === 'file') throw new FsError('ENOTDIR', syscall, path);
    for (const made of missing.reverse()) this.entries.set(made, this.dir());
    return missing[0];
  }

  private touchParent(path: string): void {
    const parent = this.entries.get(posix.dirname(path));
    if (parent) parent.mtimeMs = Date.now();
  }

  private times(): Times {
    const now = Date.now();
    return { ino: this.nextIno++, birthtimeMs: now, mtimeMs: now, atimeMs: now, ctimeMs: now, mode: 0o100644 };
  }

  private dir(): DirEntry {
    return { ...this.times(), mode: 0o40755, kind: 'dir' };
  }
}
