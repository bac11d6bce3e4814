import { expect, test } from 'vitest';
import { type HighlightNode, parseHighlight } from '../../../web/views/artifacts/highlight-tree.ts';
import { highlightCode } from '../../../web/views/artifacts/highlight.ts';

/** The text a tree shows, as the DOM would read it back. */
const textOf = (nodes: HighlightNode[]): string =>
  nodes.map((node) => (typeof node === 'string' ? node : textOf(node.children))).join('');

test('highlight.js spans become elements and its entities become text', () => {
  expect(
    parseHighlight('<span class="hljs-keyword">const</span> a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#x27;e&#x27;'),
  ).toEqual([{ class: 'hljs-keyword', children: ['const'] }, ' a < b && c > "d" \'e\'']);
});

test('nested spans and sub-scope classes (hljs-title function_) are kept', () => {
  expect(parseHighlight('<span class="hljs-function"><span class="hljs-title function_">main</span>()</span>')).toEqual(
    [{ class: 'hljs-function', children: [{ class: 'hljs-title function_', children: ['main'] }, '()'] }],
  );
});

test('any other markup stays literal text: no element, attribute or handler gets through', () => {
  const hostile = [
    '<img src=x onerror=alert(1)>',
    '<span class="hljs-string" onclick="alert(1)">x</span>',
    '<span class="evil">x</span>',
    '<span class="hljs-x"><script>alert(1)</script></span>',
    "<span class='hljs-keyword'>x</span>",
    '<span class="hljs-keyword x&quot;">y</span>',
  ];
  for (const html of hostile) {
    const nodes = parseHighlight(html);
    const elements: string[] = [];
    const walk = (list: HighlightNode[]) =>
      list.forEach((node) => {
        if (typeof node !== 'string') {
          elements.push(node.class);
          walk(node.children);
        }
      });
    walk(nodes);
    for (const name of elements) expect(name).toMatch(/^(hljs|language)-[a-z][a-z0-9_-]*( [a-z][a-z0-9_-]*)*$/);
    expect(textOf(nodes)).toContain('<');
  }
  expect(parseHighlight('<img src=x onerror=alert(1)>')).toEqual(['<img src=x onerror=alert(1)>']);
});

test('unknown entities stay as written; a stray </span> is text; an unclosed span closes at the end', () => {
  expect(parseHighlight('&nbsp;&#60;')).toEqual(['&nbsp;&#60;']);
  expect(parseHighlight('a</span>b')).toEqual(['a</span>b']);
  expect(parseHighlight('<span class="hljs-string">"open')).toEqual([{ class: 'hljs-string', children: ['"open'] }]);
});

test('highlighting real code round-trips to exactly the same text, even code that looks like markup', () => {
  const samples: [string, string][] = [
    ['const html = "<b onclick=\\"x()\\">&amp;</b>"; // </span> <script>', 'typescript'],
    ['<div class="a" onclick="steal()"><script>alert(1)</script></div>', 'html'],
    ['def f(x):\n    return x < 3 and "&lt;"\n', 'python'],
    ["SELECT * FROM t WHERE a < 1 AND b = '</span>';", 'sql'],
    ['{"a": "<span class=\\"hljs-keyword\\">"}', 'json'],
    ['plain text with <tags>', 'text'],
  ];
  for (const [code, language] of samples) {
    const nodes = highlightCode(code, language);
    expect(textOf(nodes)).toBe(code);
  }
  expect(highlightCode('const a = 1;', 'typescript').some((node) => typeof node !== 'string')).toBe(true);
});
