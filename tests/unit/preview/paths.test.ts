import { describe, expect, test } from 'vitest';
import { choosePage, folderOf, resolveReference } from '../../../sandbox/preview/paths.ts';

describe('resolveReference', () => {
  test('resolves relative, parent and root references to project paths', () => {
    expect(resolveReference('src/app.js', './tasks.js')).toBe('src/tasks.js');
    expect(resolveReference('src/app.js', '../styles.css')).toBe('styles.css');
    expect(resolveReference('public/index.html', 'img/a%20b.png?v=2#top')).toBe('public/img/a b.png');
    expect(resolveReference('public/index.html', '/app.js')).toBe('app.js');
    expect(resolveReference('index.html', 'a/./b/../c.js')).toBe('a/c.js');
  });

  test('leaves URLs with a scheme or host, and paths that climb out of the project, unresolved', () => {
    for (const reference of [
      'https://x.test/a.js',
      '//x.test/a.js',
      'data:text/plain,a',
      'blob:null/1',
      'javascript:alert(1)',
      '../../etc/passwd',
      '',
      '#top',
    ])
      expect(resolveReference('src/app.js', reference)).toBeUndefined();
  });

  test('folderOf keeps the trailing slash', () => {
    expect(folderOf('src/app.js')).toBe('src/');
    expect(folderOf('index.html')).toBe('');
  });
});

describe('choosePage', () => {
  test('prefers the root index.html, then public/, then src/, then the shallowest', () => {
    expect(choosePage(['src/index.html', 'index.html', 'public/index.html'])).toBe('index.html');
    expect(choosePage(['src/index.html', 'public/index.html'])).toBe('public/index.html');
    expect(choosePage(['docs/site/index.html', 'src/index.html'])).toBe('src/index.html');
    expect(choosePage(['b/c/index.html', 'z/index.html', 'a/index.html'])).toBe('a/index.html');
  });

  test('finds none without an index.html', () => {
    expect(choosePage(['about.html', 'src/main.js', 'myindex.html'])).toBeUndefined();
  });
});
