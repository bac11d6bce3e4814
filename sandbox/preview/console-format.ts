import type { PreviewLevel } from './protocol.ts';

/** The longest line the generated page can send; the rest is cut with a note. */
export const lineCap = 4_000;

export const levels: readonly PreviewLevel[] = ['log', 'info', 'warn', 'error', 'debug'];

/**
 * A console call's arguments as one line of text, roughly as a browser's console shows
 * them: `%s`/`%d`/`%i`/`%f`/`%o`/`%O`/`%c` in a first string are filled in, other values
 * follow separated by spaces. Values come from untrusted code: every read is guarded
 * and the text is capped.
 */
export function formatArgs(args: readonly unknown[]): string {
  const rest = [...args];
  let text = '';
  if (typeof rest[0] === 'string') {
    const template = rest.shift() as string;
    text = template.replace(/%([sdifoOc%])/g, (whole, letter: string) => {
      if (letter === '%') return '%';
      if (rest.length === 0) return whole;
      const value = rest.shift();
      if (letter === 'c') return '';
      if (letter === 'd' || letter === 'i') return String(Math.trunc(Number(value)));
      if (letter === 'f') return String(Number(value));
      if (letter === 's') return typeof value === 'string' ? value : describe(value);
      return describe(value);
    });
  }
  const parts = rest.map((value) => (typeof value === 'string' ? value : describe(value)));
  const joined = [text, ...parts].filter((part, index) => index > 0 || part !== '' || args.length === 0).join(' ');
  return cap(joined);
}

export function cap(text: string): string {
  return text.length > lineCap ? `${text.slice(0, lineCap)}… (${text.length - lineCap} more characters)` : text;
}

/** One value as console text: primitives as themselves, errors by name and message, objects as JSON. */
export function describe(value: unknown, depth = 0): string {
  try {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        return depth === 0 ? value : JSON.stringify(value);
      case 'number':
      case 'boolean':
      case 'undefined':
        return String(value);
      case 'bigint':
        return `${value}n`;
      case 'symbol':
        return value.toString();
      case 'function':
        return `ƒ ${value.name || 'anonymous'}()`;
      default:
    }
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof Node !== 'undefined' && value instanceof Node) return describeNode(value);
    if (depth >= 3) return Array.isArray(value) ? '[…]' : '{…}';
    if (Array.isArray(value)) {
      const items = value.slice(0, 100).map((item: unknown) => describe(item, depth + 1));
      if (value.length > 100) items.push(`… ${value.length - 100} more`);
      return `[${items.join(', ')}]`;
    }
    if (value instanceof Map) return `Map(${value.size})`;
    if (value instanceof Set) return `Set(${value.size})`;
    const entries = Object.keys(value)
      .slice(0, 50)
      .map((key) => `${key}: ${describe((value as Record<string, unknown>)[key], depth + 1)}`);
    return `{${entries.join(', ')}}`;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function describeNode(node: Node): string {
  if (!(node instanceof Element)) return node.nodeName;
  const id = node.id ? `#${node.id}` : '';
  const classes =
    typeof node.className === 'string' && node.className ? `.${node.className.trim().split(/\s+/).join('.')}` : '';
  return `<${node.localName}${id}${classes}>`;
}

/** The first stack frame whose URL `known` names, as `{ url, line, column }`. */
export function frameOf(
  stack: string | undefined,
  known: (url: string) => boolean,
): { url: string; line: number; column: number } | undefined {
  for (const match of (stack ?? '').matchAll(/((?:blob|https?|about):[^\s()]*?):(\d+):(\d+)/g)) {
    const [, url = '', line = '0', column = '0'] = match;
    if (known(url)) return { url, line: Number(line), column: Number(column) };
  }
  return undefined;
}
