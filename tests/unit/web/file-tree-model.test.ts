import { expect, test } from 'vitest';
import { allFolders, buildFileTree, foldersOf } from '../../../web/views/artifacts/file-tree-model.ts';

test('paths become folders first, then files, each by name', () => {
  const tree = buildFileTree(['src/b.ts', 'README.md', 'src/lib/a.ts', 'src/a.ts', 'package.json']);
  expect(tree.map((entry) => `${entry.kind}:${entry.path}`)).toEqual([
    'folder:src',
    'file:package.json',
    'file:README.md',
  ]);
  const src = tree[0];
  expect(src?.kind === 'folder' && src.children.map((entry) => `${entry.kind}:${entry.path}`)).toEqual([
    'folder:src/lib',
    'file:src/a.ts',
    'file:src/b.ts',
  ]);
});

test('the folders above a file, outermost first', () => {
  expect(foldersOf('a/b/c.ts')).toEqual(['a', 'a/b']);
  expect(foldersOf('c.ts')).toEqual([]);
});

test('the tree opens to the files: every folder, once, parents first (issue 20, point 9)', () => {
  expect(allFolders(['src/a/b.ts', 'src/c.ts', 'README.md', 'test/x.test.js'])).toEqual(['src', 'src/a', 'test']);
});
