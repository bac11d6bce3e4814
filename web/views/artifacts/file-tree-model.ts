/** A folder or a file of the project, for the file tree. */
export interface TreeFolder {
  kind: 'folder';
  name: string;
  /** The folder's path, "src/components". */
  path: string;
  children: TreeEntry[];
}

export interface TreeFile {
  kind: 'file';
  name: string;
  path: string;
}

export type TreeEntry = TreeFolder | TreeFile;

const byKindThenName = (a: TreeEntry, b: TreeEntry) =>
  a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1;

/**
 * The files' paths as a tree: folders first, then files, each by name.
 * @example buildFileTree(['src/a.ts', 'README.md']) // [folder src [file a.ts], file README.md]
 */
export function buildFileTree(paths: readonly string[]): TreeEntry[] {
  const root: TreeFolder = { kind: 'folder', name: '', path: '', children: [] };
  for (const path of paths) {
    const parts = path.split('/').filter((part) => part !== '');
    let folder = root;
    parts.forEach((part, index) => {
      const entryPath = parts.slice(0, index + 1).join('/');
      if (index === parts.length - 1) {
        folder.children.push({ kind: 'file', name: part, path });
        return;
      }
      let next = folder.children.find((entry): entry is TreeFolder => entry.kind === 'folder' && entry.name === part);
      if (!next) {
        next = { kind: 'folder', name: part, path: entryPath, children: [] };
        folder.children.push(next);
      }
      folder = next;
    });
  }
  const sort = (entries: TreeEntry[]) => {
    entries.sort(byKindThenName);
    for (const entry of entries) if (entry.kind === 'folder') sort(entry.children);
  };
  sort(root.children);
  return root.children;
}

/** The folders above a file, "a", "a/b" for "a/b/c.ts": to open them when the file is chosen. */
export function foldersOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/**
 * Every folder the files sit in, each once, parents before children.
 * @example allFolders(['a/b/c.ts', 'a/d.ts']) // ['a', 'a/b']
 */
export function allFolders(paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap(foldersOf))];
}
