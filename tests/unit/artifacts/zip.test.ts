import JSZip from 'jszip';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { buildProjectZip, slugOf } from '../../../worker/artifacts/zip.ts';

const files = [
  { path: 'src/app.js', content: 'console.log("hi");\n' },
  { path: './index.html', content: '<!doctype html>\n<p>héllo ✓</p>\n' },
  { path: 'src\\styles\\site.css', content: 'p { color: red; }\n' },
  { path: '../../etc/passwd', content: 'root:x:0:0' },
  { path: 'src/App.js', content: 'duplicate' },
  { path: 'empty.txt', content: '' },
];
const input = { projectName: 'My Todo App', files, orchestraMd: '# My Todo App\n' };

async function entries(bytes: Uint8Array): Promise<Map<string, string | null>> {
  const zip = await JSZip.loadAsync(bytes);
  const result = new Map<string, string | null>();
  for (const entry of Object.values(zip.files)) {
    result.set(entry.name, entry.dir ? null : await entry.async('string'));
  }
  return result;
}

describe('buildProjectZip', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('round-trips every safe file under one root folder, with ORCHESTRA.md', async () => {
    const zip = await buildProjectZip(input);
    expect(zip.filename).toBe('my-todo-app.zip');
    const unpacked = await entries(zip.bytes);
    for (const name of unpacked.keys()) expect(name.startsWith('my-todo-app/')).toBe(true);
    expect(unpacked.get('my-todo-app/ORCHESTRA.md')).toBe('# My Todo App\n');
    expect(unpacked.get('my-todo-app/src/app.js')).toBe('console.log("hi");\n');
    expect(unpacked.get('my-todo-app/index.html')).toBe('<!doctype html>\n<p>héllo ✓</p>\n');
    expect(unpacked.get('my-todo-app/src/styles/site.css')).toBe('p { color: red; }\n');
    expect(unpacked.get('my-todo-app/empty.txt')).toBe('');
    expect([...unpacked.entries()].filter(([, content]) => content !== null)).toHaveLength(5);
  });

  test('skips hostile and clashing paths and leaves them out of the archive', async () => {
    const zip = await buildProjectZip(input);
    expect(zip.skipped.map((entry) => entry.path)).toEqual(['../../etc/passwd', 'src/App.js']);
    expect(zip.skipped[0]?.reason).toMatch(/\.\./);
    expect(zip.skipped[1]?.reason).toMatch(/differing only by case/);
    const names = [...(await entries(zip.bytes)).keys()];
    expect(names.some((name) => name.includes('passwd') || name.includes('..'))).toBe(false);
    expect(names).not.toContain('my-todo-app/src/App.js');
  });

  test("keeps Orchestra's record when the project has a file of the same name", async () => {
    const zip = await buildProjectZip({ ...input, files: [{ path: 'orchestra.md', content: 'mine' }] });
    expect(zip.skipped).toEqual([
      { path: 'orchestra.md', reason: expect.stringMatching(/Orchestra's record/) as unknown },
    ]);
    expect((await entries(zip.bytes)).get('my-todo-app/ORCHESTRA.md')).toBe('# My Todo App\n');
  });

  test('gives identical bytes for the same project, whatever the clock or file order', async () => {
    // Only Date is faked: JSZip schedules its work on real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-03-01T10:00:00Z'));
    const first = await buildProjectZip(input);
    vi.setSystemTime(new Date('2031-07-15T18:30:00Z'));
    const second = await buildProjectZip(input);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const reordered = await buildProjectZip({ ...input, files: [...files.slice(0, 3)].reverse() });
    const inOrder = await buildProjectZip({ ...input, files: files.slice(0, 3) });
    expect(Buffer.from(reordered.bytes).equals(Buffer.from(inOrder.bytes))).toBe(true);
  });

  test('stores entries with DEFLATE and a fixed date', async () => {
    const big = 'const x = 1;\n'.repeat(1000);
    const zip = await buildProjectZip({ ...input, files: [{ path: 'big.js', content: big }] });
    expect(zip.bytes.length).toBeLessThan(big.length / 10);
    const loaded = await JSZip.loadAsync(zip.bytes);
    const entry = loaded.file('my-todo-app/big.js');
    expect(entry?.date.toISOString()).toBe('1980-02-01T00:00:00.000Z');
  });
});

describe('slugOf', () => {
  test.each([
    ['My Todo App', 'my-todo-app'],
    ['  Mon Café — v2!  ', 'mon-cafe-v2'],
    ['../../evil', 'evil'],
    ['日本語', 'project'],
    ['', 'project'],
    ['CON', 'project'],
    ['x'.repeat(100), 'x'.repeat(60)],
  ])('%j → %j', (name, slug) => {
    expect(slugOf(name)).toBe(slug);
  });
});
