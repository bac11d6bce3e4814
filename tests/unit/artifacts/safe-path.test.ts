import { describe, expect, test } from 'vitest';
import { checkFileSet, normalizeArtifactPath } from '../../../worker/artifacts/safe-path.ts';

describe('normalizeArtifactPath', () => {
  const hostile: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['./', /names no file/],
    ['/etc/passwd', /absolute/],
    ['\\windows\\system32', /absolute/],
    ['//server/share/x', /absolute/],
    ['\\\\server\\share\\x', /absolute/],
    ['C:\\Windows\\x.dll', /drive/],
    ['C:x', /drive/],
    ['c:/x', /drive/],
    ['file:///etc/passwd', /URL/],
    ['https://example.com/a.js', /URL/],
    ['javascript:alert(1)', /URL/],
    ['../secret', /\.\./],
    ['src/../../secret', /\.\./],
    ['src\\..\\..\\secret', /\.\./],
    ['%2e%2e/secret', /percent-encoded/],
    ['%2E%2E%2Fsecret', /percent-encoded/],
    ['src%5c..%5cx', /percent-encoded/],
    ['a\u0000b.js', /control/],
    ['a\nb.js', /control/],
    ['src/\u001b[31m.js', /control/],
    ['CON', /reserves/],
    ['src/con.txt', /reserves/],
    ['Lpt9.log', /reserves/],
    ['com1.tar.gz', /reserves/],
    ['nul', /reserves/],
    ['aux .txt', /reserves/],
    ['a<b.js', /not allowed/],
    ['a>b', /not allowed/],
    ['what?.md', /not allowed/],
    ['star*.js', /not allowed/],
    ['pipe|x', /not allowed/],
    ['quote".js', /not allowed/],
    ['src/a:b.js', /not allowed/],
    ['src./a.js', /dot or space/],
    ['src /a.js', /dot or space/],
    ['notes.', /dot or space/],
    ['...', /dot or space/],
    [`${'a'.repeat(121)}.js`, /characters long/],
    [Array.from({ length: 20 }, () => 'abcdefghijklm').join('/'), /characters long/],
    [Array.from({ length: 21 }, () => 'a').join('/'), /21 folders deep/],
    ['.git/config', /\.git/],
    ['sub/.GIT/hooks/pre-commit', /\.git/],
  ];

  test.each(hostile)('rejects %j with a reason', (raw, reason) => {
    const result = normalizeArtifactPath(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(reason);
      // The sentence names the path so a person can find the file in the model's answer.
      expect(result.reason).toContain(JSON.stringify(raw));
    }
  });

  const normalised: [string, string][] = [
    ['./src//a.js', 'src/a.js'],
    ['src\\b.py', 'src/b.py'],
    ['  src/c.ts \n', 'src/c.ts'],
    ['a/./b/./c.md', 'a/b/c.md'],
    ['src/', 'src'],
    ['.gitignore', '.gitignore'],
    ['.github/workflows/ci.yml', '.github/workflows/ci.yml'],
    ['console.js', 'console.js'],
    ['com10.txt', 'com10.txt'],
    ['100%.txt', '100%.txt'],
    ['cafe\u0301.md', 'caf\u00e9.md'],
    [Array.from({ length: 20 }, () => 'a').join('/'), Array.from({ length: 20 }, () => 'a').join('/')],
  ];

  test.each(normalised)('normalises %j to %j', (raw, path) => {
    expect(normalizeArtifactPath(raw)).toEqual({ ok: true, path });
  });
});

describe('checkFileSet', () => {
  test('keeps the first of names differing only by case and explains the clash', () => {
    const result = checkFileSet([
      { path: 'src/app.js', content: 'one' },
      { path: './src/App.js', content: 'two' },
    ]);
    expect(result.accepted).toEqual([{ path: 'src/app.js', content: 'one' }]);
    expect(result.rejected).toEqual([
      {
        path: './src/App.js',
        reason: 'src/App.js duplicates src/app.js (names differing only by case clash on Windows and macOS).',
      },
    ]);
  });

  test('rejects exact duplicates after normalising', () => {
    const result = checkFileSet([{ path: 'src/a.js' }, { path: 'src\\a.js' }]);
    expect(result.accepted.map((file) => file.path)).toEqual(['src/a.js']);
    expect(result.rejected[0]?.reason).toMatch(/more than once/);
  });

  test('rejects a file that would need to be a folder too', () => {
    const result = checkFileSet([{ path: 'src' }, { path: 'src/a.js' }, { path: 'lib/b.js' }, { path: 'LIB' }]);
    expect(result.accepted.map((file) => file.path)).toEqual(['src', 'lib/b.js']);
    expect(result.rejected.map((file) => file.path)).toEqual(['src/a.js', 'LIB']);
  });

  test('normalises accepted paths and keeps the other fields', () => {
    const result = checkFileSet([
      { path: './a//b.js', version: 2 },
      { path: '../x', version: 1 },
    ]);
    expect(result.accepted).toEqual([{ path: 'a/b.js', version: 2 }]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.path).toBe('../x');
  });
});
