/**
 * Turns highlight.js's HTML output into a small tree of class names and text, so the
 * page builds DOM nodes itself and never parses markup. Generated code is hostile input:
 * only the exact shapes highlight.js emits are understood — `<span class="hljs-…">`,
 * `</span>` and the five entities it escapes — and everything else stays literal text.
 * Pure: no DOM, so it runs (and is tested) in Node.
 */

export interface HighlightElement {
  class: string;
  children: HighlightNode[];
}

export type HighlightNode = string | HighlightElement;

const entities: ReadonlyMap<string, string> = new Map([
  ['&amp;', '&'],
  ['&lt;', '<'],
  ['&gt;', '>'],
  ['&quot;', '"'],
  ['&#x27;', "'"],
]);

// One class list as highlight.js writes it: "hljs-title function_", "hljs-meta hljs-keyword",
// or "language-javascript" around an embedded language (a script inside HTML).
const classList = /^(?:hljs|language)-[a-z][a-z0-9_-]*(?: [a-z][a-z0-9_-]*)*$/;
const token = /<span class="([^"<>]*)">|<\/span>|&(?:amp|lt|gt|quot|#x27);|[^<&]+|[<&]/g;

/**
 * @example parseHighlight('<span class="hljs-keyword">const</span> a &lt; b')
 * // [{ class: 'hljs-keyword', children: ['const'] }, ' a < b']
 */
export function parseHighlight(html: string): HighlightNode[] {
  const root: HighlightElement = { class: '', children: [] };
  const open: HighlightElement[] = [root];
  const append = (text: string) => {
    const children = (open[open.length - 1] ?? root).children;
    const last = children[children.length - 1];
    if (typeof last === 'string') children[children.length - 1] = last + text;
    else children.push(text);
  };
  for (const match of html.matchAll(token)) {
    const [whole, className] = match;
    if (className !== undefined) {
      if (classList.test(className)) {
        const element: HighlightElement = { class: className, children: [] };
        (open[open.length - 1] ?? root).children.push(element);
        open.push(element);
      } else {
        append(whole);
      }
    } else if (whole === '</span>') {
      if (open.length > 1) open.pop();
      else append(whole);
    } else {
      append(entities.get(whole) ?? whole);
    }
  }
  return root.children;
}
