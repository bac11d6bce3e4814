/**
 * `fs` and `fs/promises` over the project's files in memory ({@link Vfs}): the sync,
 * callback and promise forms of what test suites use. Relative paths resolve against the
 * file's `process.cwd()`; paths may be strings, Buffers or file: URLs. Writes stay in
 * memory.
 */
import { Buffer } from 'buffer/index.js';
import type { EventLoop } from '../loop.ts';
import posix from '../path.ts';
import { fileUrlToPath } from '../loader/resolve.ts';
import { FsError, type Entry, type Vfs } from '../vfs.ts';
import type { ModuleExports } from './module-exports.ts';

type Encoding = Parameters<Buffer['toString']>[0];

const constants = {
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  COPYFILE_EXCL: 1,
  COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE_FORCE: 4,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 64,
  O_EXCL: 128,
  O_TRUNC: 512,
  O_APPEND: 1024,
  S_IFMT: 0o170000,
  S_IFREG: 0o100000,
  S_IFDIR: 0o40000,
};

export class Stats {
  dev = 2049;
  nlink = 1;
  uid = 1000;
  gid = 1000;
  rdev = 0;
  blksize = 4096;
  readonly ino: number;
  readonly mode: number;
  readonly size: number;
  readonly blocks: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly ctime: Date;
  readonly birthtime: Date;
  private readonly directory: boolean;

  constructor(entry: Entry, size: number) {
    this.directory = entry.kind === 'dir';
    this.ino = entry.ino;
    this.mode = entry.mode;
    this.size = size;
    this.blocks = Math.ceil(size / 512);
    this.atimeMs = entry.atimeMs;
    this.mtimeMs = entry.mtimeMs;
    this.ctimeMs = entry.ctimeMs;
    this.birthtimeMs = entry.birthtimeMs;
    this.atime = new Date(entry.atimeMs);
    this.mtime = new Date(entry.mtimeMs);
    this.ctime = new Date(entry.ctimeMs);
    this.birthtime = new Date(entry.birthtimeMs);
  }

  isFile(): boolean {
    return !this.directory;
  }

  isDirectory(): boolean {
    return this.directory;
  }

  isSymbolicLink(): boolean {
    return false;
  }

  isBlockDevice(): boolean {
    return false;
  }

  isCharacterDevice(): boolean {
    return false;
  }

  isFIFO(): boolean {
    return false;
  }

  isSocket(): boolean {
    return false;
  }
}

export class Dirent {
  constructor(
    readonly name: string,
    readonly parentPath: string,
    private readonly directory: boolean,
  ) {}

  get path(): string {
    return this.parentPath;
  }

  isFile(): boolean {
    return !this.directory;
  }

  isDirectory(): boolean {
    return this.directory;
  }

  isSymbolicLink(): boolean {
    return false;
  }

  isBlockDevice(): boolean {
    return false;
  }

  isCharacterDevice(): boolean {
    return false;
  }

  isFIFO(): boolean {
    return false;
  }

  isSocket(): boolean {
    return false;
  }
}

function encodingOf(options: unknown): Encoding | undefined {
  if (typeof options === 'string') return options;
  if (typeof options === 'object' && options !== null) {
    const encoding = (options as { encoding?: unknown }).encoding;
    if (typeof encoding === 'string') return encoding;
  }
  return undefined;
}

function flagOf(options: unknown): string {
  if (typeof options === 'object' && options !== null) {
    const flag = (options as { flag?: unknown }).flag;
    if (typeof flag === 'string') return flag;
  }
  return 'w';
}

function toData(data: unknown, options: unknown): string | Uint8Array {
  const encoding = encodingOf(options);
  if (typeof data === 'string') {
    return encoding && encoding !== 'utf8' && encoding !== 'utf-8' ? Buffer.from(data, encoding) : data;
  }
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(
    `The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${data === null ? 'null' : typeof data}`,
  );
}

/** Builds `fs` for a file whose working directory is `cwd()`. */
export function createFs(vfs: Vfs, cwd: () => string, loop: EventLoop): Record<string, unknown> {
  const toPath = (path: unknown): string => {
    let text: string;
    if (typeof path === 'string') text = path;
    else if (path instanceof URL) text = fileUrlToPath(path.href);
    else if (path instanceof Uint8Array) text = Buffer.from(path).toString();
    else if (
      typeof path === 'object' &&
      path !== null &&
      'href' in path &&
      (path as { protocol?: unknown }).protocol === 'file:'
    ) {
      text = fileUrlToPath(String(path.href));
    } else {
      throw new TypeError(
        `The "path" argument must be of type string or an instance of Buffer or URL. Received ${path === null ? 'null' : typeof path}`,
      );
    }
    return posix.resolve(cwd(), text);
  };

  const readFileSync = (path: unknown, options?: unknown) => {
    const target = toPath(path);
    const encoding = encodingOf(options);
    if (encoding === 'utf8' || encoding === 'utf-8') return vfs.readText(target);
    const bytes = Buffer.from(vfs.readBytes(target));
    return encoding ? bytes.toString(encoding) : bytes;
  };
  const writeFileSync = (path: unknown, data: unknown, options?: unknown) => {
    const flag = flagOf(options);
    vfs.write(toPath(path), toData(data, options), { append: flag.startsWith('a'), exclusive: flag.includes('x') });
  };
  const appendFileSync = (path: unknown, data: unknown, options?: unknown) => {
    vfs.write(toPath(path), toData(data, options), { append: true });
  };
  const statSync = (path: unknown, options?: { throwIfNoEntry?: boolean }) => {
    const target = toPath(path);
    if (options?.throwIfNoEntry === false && !vfs.get(target)) return undefined;
    const entry = vfs.stat(target);
    return new Stats(entry, vfs.size(target));
  };
  const readdirSync = (path: unknown, options?: unknown) => {
    const target = toPath(path);
    const withFileTypes =
      typeof options === 'object' && options !== null && (options as { withFileTypes?: boolean }).withFileTypes;
    const recursive = typeof options === 'object' && options !== null && (options as { recursive?: boolean }).recursive;
    const list = (dir: string, prefix: string): (string | Dirent)[] => {
      const result: (string | Dirent)[] = [];
      for (const name of vfs.readdir(dir)) {
        const full = posix.join(dir, name);
        const directory = vfs.get(full)?.kind === 'dir';
        result.push(withFileTypes ? new Dirent(name, dir, directory) : prefix + name);
        if (recursive && directory) result.push(...list(full, `${prefix}${name}/`));
      }
      return result;
    };
    return list(target, '');
  };
  const existsSync = (path: unknown) => {
    try {
      return vfs.get(toPath(path)) !== undefined;
    } catch {
      return false;
    }
  };
  const accessSync = (path: unknown) => {
    vfs.stat(toPath(path), 'access');
  };
  const mkdirSync = (path: unknown, options?: unknown) => {
    const recursive =
      typeof options === 'object' && options !== null && Boolean((options as { recursive?: boolean }).recursive);
    return vfs.mkdir(toPath(path), recursive);
  };
  const rmSync = (path: unknown, options?: { recursive?: boolean; force?: boolean }) =>
    vfs.rm(toPath(path), options ?? {});
  const rmdirSync = (path: unknown, options?: { recursive?: boolean }) => {
    if (options?.recursive) vfs.rm(toPath(path), { recursive: true });
    else vfs.rmdir(toPath(path));
  };
  const unlinkSync = (path: unknown) => vfs.unlink(toPath(path));
  const renameSync = (from: unknown, to: unknown) => vfs.rename(toPath(from), toPath(to));
  const copyFileSync = (from: unknown, to: unknown, mode?: number) =>
    vfs.copyFile(toPath(from), toPath(to), ((mode ?? 0) & 1) === 1);
  const cpSync = (from: unknown, to: unknown, options?: { recursive?: boolean }) => {
    const source = toPath(from);
    const target = toPath(to);
    const entry = vfs.stat(source, 'cp');
    if (entry.kind === 'file') {
      vfs.copyFile(source, target);
      return;
    }
    if (!options?.recursive) throw new FsError('EISDIR', 'cp', source);
    vfs.mkdir(target, true);
    for (const name of vfs.readdir(source)) cpSync(posix.join(source, name), posix.join(target, name), options);
  };
  const mkdtempSync = (prefix: unknown) => vfs.mkdtemp(toPath(prefix));
  const realpathSync = (path: unknown) => {
    const target = toPath(path);
    vfs.stat(target, 'realpath');
    return target;
  };
  realpathSync.native = realpathSync;
  const utimesSync = (path: unknown, atime: unknown, mtime: unknown) => {
    const toMs = (time: unknown) => (time instanceof Date ? time.getTime() : Number(time) * 1000);
    vfs.utimes(toPath(path), toMs(atime), toMs(mtime));
  };
  const truncateSync = (path: unknown, length = 0) => {
    const target = toPath(path);
    vfs.write(target, vfs.readBytes(target).slice(0, length));
  };
  const noop = (path: unknown) => {
    vfs.stat(toPath(path));
  };
  const unsupported = (name: string) => () => {
    throw new Error(`fs.${name} is not available in the sandbox`);
  };

  const sync = {
    readFileSync,
    writeFileSync,
    appendFileSync,
    statSync,
    lstatSync: statSync,
    readdirSync,
    existsSync,
    accessSync,
    mkdirSync,
    rmSync,
    rmdirSync,
    unlinkSync,
    renameSync,
    copyFileSync,
    cpSync,
    mkdtempSync,
    realpathSync,
    utimesSync,
    truncateSync,
    chmodSync: noop,
    chownSync: noop,
  };

  const promises: ModuleExports = { constants };
  const callbacks: ModuleExports = {};
  for (const [syncName, fn] of Object.entries(sync)) {
    const name = syncName.slice(0, -4);
    if (name === 'exists') continue;
    promises[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve((fn as (...values: unknown[]) => unknown)(...args));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    callbacks[name] = (...args: unknown[]) => {
      const callback = args.pop();
      if (typeof callback !== 'function') {
        throw new TypeError(`The "cb" argument must be of type function. Received ${typeof callback}`);
      }
      let result: unknown;
      let failure: unknown = null;
      try {
        result = (fn as (...values: unknown[]) => unknown)(...args);
      } catch (error) {
        failure = error;
      }
      loop.setImmediate(callback, [failure, result]);
    };
  }
  callbacks.exists = (path: unknown, callback: (exists: boolean) => void) =>
    loop.setImmediate(callback, [existsSync(path)]);

  const fs: ModuleExports = {
    ...sync,
    ...callbacks,
    constants,
    ...constants,
    promises,
    Stats,
    Dirent,
    watch: unsupported('watch'),
    watchFile: unsupported('watchFile'),
    createReadStream: unsupported('createReadStream'),
    createWriteStream: unsupported('createWriteStream'),
    openSync: unsupported('openSync'),
  };
  fs.default = fs;
  promises.default = promises;
  return fs;
}
