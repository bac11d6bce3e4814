import { expect, test } from 'vitest';
import {
  buildContext,
  ContextCache,
  estimateTokens,
  renderContext,
  type ContextFile,
} from '../../../worker/orchestrator/context.ts';
import { outlineOf } from '../../../worker/orchestrator/context-outline.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';

const file = (path: string, content: string, direct = false, language = 'python'): ContextFile => ({
  path,
  language,
  content,
  direct,
});

/** A Python module of `functions` functions, each with a body line unique to the file. */
function pythonModule(name: string, functions: number): string {
  const lines = [`"""Module ${name}."""`, 'import os', ''];
  for (let i = 0; i < functions; i++) {
    lines.push(
      `def ${name}_fn_${i}(value: int) -> int:`,
      `    return value * ${i}  # BODY-${name}-${i}-${'x'.repeat(40)}`,
      '',
    );
  }
  return lines.join('\n');
}

test('estimateTokens is about four characters per token, rounded up', () => {
  expect(estimateTokens('')).toBe(0);
  expect(estimateTokens('abc')).toBe(1);
  expect(estimateTokens('abcd')).toBe(1);
  expect(estimateTokens('abcde')).toBe(2);
});

test('with room for everything, every file is whole and appears exactly', () => {
  const files = [file('a.py', pythonModule('a', 3)), file('web/index.html', '<p id="x">```</p>\n', true, 'html')];
  const built = buildContext(files, { budgetTokens: 100_000, focus: [] });
  expect(built.whole.map((f) => f.path)).toEqual(['a.py', 'web/index.html']);
  expect(built.summarised).toEqual([]);
  expect(built.listed).toEqual([]);
  const text = renderContext(built);
  for (const f of files) expect(text).toContain(f.content);
  expect(text).toContain('whole');
  expect(built.tokens).toBe(estimateTokens(text));
});

test('with room for all, every task sees the same files in the order they were made, whatever its focus (a shared prompt prefix)', () => {
  const files = [
    file('src/other_small.py', pythonModule('os', 1)),
    file('src/direct_big.py', pythonModule('db', 6), true),
    file('src/direct_small.py', pythonModule('ds', 2), true),
    file('src/named.py', pythonModule('nm', 8)),
    file('lib/src/deep.py', pythonModule('dp', 9)),
  ];
  const built = buildContext(files, { budgetTokens: 100_000, focus: ['named.py', 'src/deep.py'] });
  expect(built.whole.map((f) => f.path)).toEqual(files.map((f) => f.path));
  const text = renderContext(built);
  expect(text.indexOf('src/other_small.py')).toBeLessThan(text.indexOf('src/named.py'));
  const otherFocus = renderContext(buildContext(files, { budgetTokens: 100_000, focus: ['src/other_small.py'] }));
  expect(otherFocus).toBe(text);
});

test('a focus file is whole even when the budget leaves the others only summarised or listed', () => {
  const named = file('app/tides.py', pythonModule('tides', 4));
  const others = Array.from({ length: 6 }, (_, i) => file(`app/m${i}.py`, pythonModule(`m${i}`, 30), true));
  const budget = estimateTokens(named.content) + 600;
  const built = buildContext([...others, named], { budgetTokens: budget, focus: ['app/tides.py'] });
  expect(built.whole.map((f) => f.path)).toEqual(['app/tides.py']);
  expect(built.summarised.length + built.listed.length + built.omitted).toBe(6);
  expect(built.tokens).toBeLessThanOrEqual(budget);
});

test('files too big to be whole are summarised with their declarations, never partly shown', () => {
  const big = file('engine/solver.py', pythonModule('solver', 60));
  const small = file('engine/util.py', pythonModule('util', 2), true);
  const built = buildContext([big, small], { budgetTokens: 1500, focus: [] });
  expect(built.whole.map((f) => f.path)).toEqual(['engine/util.py']);
  expect(built.summarised).toHaveLength(1);
  const text = renderContext(built);
  expect(text).toContain('engine/solver.py (summarised: 182 lines, declarations only)');
  expect(text).toContain('def solver_fn_0(value: int) -> int:');
  // No body line of the big file appears, even in part.
  expect(text).not.toContain('BODY-solver');
  expect(text).toContain(small.content);
  expect(built.tokens).toBeLessThanOrEqual(1500);
});

test('when even outlines do not fit, files are listed by path only', () => {
  const files = Array.from({ length: 4 }, (_, i) => file(`pkg/module_${i}.py`, pythonModule(`m${i}`, 150)));
  const built = buildContext(files, { budgetTokens: 200, focus: [] });
  expect(built.whole).toEqual([]);
  expect(built.summarised).toEqual([]);
  expect(built.listed.slice().sort()).toEqual(files.map((f) => f.path));
  const text = renderContext(built);
  expect(text).toContain('Listed only (not shown)');
  expect(text).not.toContain('BODY-');
  expect(text).not.toContain('def ');
  expect(built.tokens).toBeLessThanOrEqual(200);
});

test('files that cannot even be listed are counted, and a tiny budget gives nothing at all', () => {
  const files = Array.from({ length: 40 }, (_, i) =>
    file(`a/very/long/path/to/module_number_${i}.py`, pythonModule(`m${i}`, 150)),
  );
  const built = buildContext(files, { budgetTokens: 250, focus: [] });
  expect(built.listed.length).toBeGreaterThan(0);
  expect(built.omitted).toBe(40 - built.listed.length);
  expect(renderContext(built)).toContain(`(${built.omitted} more upstream files are not shown.)`);
  expect(built.tokens).toBeLessThanOrEqual(250);

  const none = buildContext(files, { budgetTokens: 10, focus: [] });
  expect(renderContext(none)).toBe('');
  expect(none.tokens).toBe(0);
  expect(buildContext([], { budgetTokens: 1000, focus: [] })).toMatchObject({ whole: [], tokens: 0 });
});

test('content with backticks cannot break out of its fence', () => {
  const markdown = file('README.md', '# Title\n\n````js\ncode\n````\n', false, 'markdown');
  const text = renderContext(buildContext([markdown], { budgetTokens: 1000, focus: [] }));
  expect(text).toContain('`````markdown\n' + markdown.content + '`````');
});

test('outlines name declarations per language', () => {
  expect(outlineOf('a.py', 'python', 'import os\n\nclass Tide:\n    def height(self):\n        return 1\n')).toEqual([
    '3: class Tide:',
    '4:     def height(self):',
  ]);
  const ts =
    'import x from "y";\nexport function load(a: string) {\n  return a;\n}\nconst LIMIT = 3;\nexport default App;\n';
  expect(outlineOf('src/a.ts', 'typescript', ts)).toEqual([
    '2: export function load(a: string) {',
    '5: const LIMIT = 3;',
    '6: export default App;',
  ]);
  const css = ':root {\n  --accent: #06c;\n}\n.card > h2 {\n  color: red;\n}\n@media (min-width: 40rem) {\n';
  expect(outlineOf('style.css', 'css', css)).toEqual([
    '1: :root {',
    '2:   --accent: #06c;',
    '4: .card > h2 {',
    '7: @media (min-width: 40rem) {',
  ]);
  const html = '<main id="app">\n<p>Hi</p>\n<script type="module" src="app.js"></script><div id=\'x\'></div>\n';
  expect(outlineOf('index.html', 'html', html)).toEqual([
    '1: <main id="app">',
    '3: <script src="app.js">',
    "3: <div id='x'>",
  ]);
});

test('property: random files and budgets — within budget, whole files exact, nothing partial', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const random = mulberry32(seed);
    const count = Math.floor(random() * 12);
    const files = Array.from({ length: count }, (_, i) =>
      file(`src/f${i}.py`, pythonModule(`f${i}`, 1 + Math.floor(random() * 80)), random() < 0.4),
    );
    const focus = files.filter(() => random() < 0.2).map((f) => f.path.split('/').pop()!);
    const budget = Math.floor(random() * 6000);
    const built = buildContext(files, { budgetTokens: budget, focus });
    const text = renderContext(built);
    expect(built.tokens, `seed ${seed}`).toBe(estimateTokens(text));
    expect(built.tokens, `seed ${seed}`).toBeLessThanOrEqual(budget);
    // Every file is accounted for exactly once.
    const shown = [...built.whole.map((f) => f.path), ...built.summarised.map((s) => s.path), ...built.listed];
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.length + built.omitted).toBe(files.length);
    // Whole files appear exactly; a body line of any other file never appears.
    const whole = new Set(built.whole.map((f) => f.path));
    for (const f of files) {
      if (whole.has(f.path)) expect(text).toContain(f.content);
      else expect(text).not.toContain(`BODY-${f.path.slice(4, -3)}-`);
    }
    // Each group is shown in the order the files were given, whatever the relevance that chose it.
    const given = new Map(files.map((f, at) => [f.path, at]));
    for (const paths of [built.whole.map((f) => f.path), built.summarised.map((s) => s.path), built.listed]) {
      const places = paths.map((path) => given.get(path) ?? -1);
      expect(places).toEqual([...places].sort((a, b) => a - b));
    }
  }
});

test('the block cache never changes a context: the same as with a fresh cache, and a changed file is shown as changed', () => {
  const cache = new ContextCache();
  for (let seed = 1; seed <= 60; seed++) {
    const random = mulberry32(seed);
    // Few paths, so later rounds meet the same path with the same or another content.
    const files = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, i) =>
      file(`src/f${i}.py`, pythonModule(`f${i}`, 1 + Math.floor(random() * 40)), random() < 0.4),
    );
    const options = { budgetTokens: Math.floor(random() * 3000), focus: ['f0.py'] };
    const warm = buildContext(files, { ...options, cache });
    const fresh = buildContext(files, { ...options, cache: new ContextCache() });
    expect(warm, `seed ${seed}`).toEqual(fresh);
    expect(renderContext(warm, cache)).toBe(renderContext(fresh, new ContextCache()));
  }
  const before = file('src/live.py', pythonModule('before', 2));
  const after = file('src/live.py', pythonModule('after', 3));
  expect(renderContext(buildContext([before], { budgetTokens: 5000, focus: [], cache }), cache)).toContain(
    'BODY-before',
  );
  const text = renderContext(buildContext([after], { budgetTokens: 5000, focus: [], cache }), cache);
  expect(text).toContain('BODY-after');
  expect(text).not.toContain('BODY-before');
});

test('the block cache keeps at most its limit of characters, dropping the least recently used', () => {
  const cache = new ContextCache(10_000);
  const files = Array.from({ length: 30 }, (_, i) => file(`m${i}.py`, pythonModule(`m${i}`, 5)));
  for (const f of files) buildContext([f], { budgetTokens: 100_000, focus: [], cache });
  expect(cache.size.chars).toBeLessThanOrEqual(10_000);
  expect(cache.size.files).toBeLessThan(30);
  expect(cache.size.chars).toBe(files.slice(-cache.size.files).reduce((chars, f) => chars + f.content.length, 0));
  // A file bigger than a quarter of the limit is shown but not kept.
  const big = file('big.py', pythonModule('big', 100));
  const built = buildContext([big], { budgetTokens: 100_000, focus: [], cache });
  expect(renderContext(built, cache)).toContain(big.content);
  expect(cache.size.chars).toBeLessThanOrEqual(10_000);
});
