/**
 * A small JavaScript scanner that knows where strings, comments, template literals and
 * regular expressions are, so identifiers can be found and renamed in code without
 * touching text inside them. It is used twice per module:
 *
 * - before sucrase, `renameIdentifier` renames the project's own `require` in ES modules
 *   (`const require = createRequire(import.meta.url)`) so it cannot shadow the `require`
 *   that sucrase's import transform calls;
 * - after sucrase, `rewriteModuleSyntax` turns `import.meta` and `import(` (which a
 *   function body cannot hold) into calls of the loader, and lists the specifiers of the
 *   `require('…')` calls that sucrase made of static imports.
 */

/**
 * Names the loader passes into every module's scope. Each is exactly as long as what it
 * replaces (`import.meta`, `import`, `require`), so columns in stack traces stay right.
 */
export const importMetaName = '\u0275importMeta';
export const dynamicImportName = '\u0275mport';
export const userRequireName = '\u0275requir';

const keywordsBeforeRegex = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 36 ||
    code > 127
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 0xfeff || code === 0xa0;
}

interface Identifier {
  name: string;
  start: number;
  end: number;
  /** The previous significant character is a `.` (a property name, not a binding). */
  afterDot: boolean;
}

/**
 * Calls `onIdentifier` for every identifier outside strings, comments, templates' text and
 * regular expressions, in order.
 */
export function scanIdentifiers(code: string, onIdentifier: (identifier: Identifier) => void): void {
  const length = code.length;
  // Each entry is the brace depth at which a template literal's `${` was opened.
  const templateStack: number[] = [];
  let braceDepth = 0;
  let regexAllowed = true;
  let lastSignificant = 0;
  let index = 0;
  while (index < length) {
    const char = code.charCodeAt(index);
    if (isSpace(char)) {
      index += 1;
      continue;
    }
    if (char === 47 /* / */) {
      const next = code.charCodeAt(index + 1);
      if (next === 47) {
        const end = code.indexOf('\n', index);
        index = end === -1 ? length : end;
        continue;
      }
      if (next === 42) {
        const end = code.indexOf('*/', index + 2);
        index = end === -1 ? length : end + 2;
        continue;
      }
      if (regexAllowed) {
        index = skipRegex(code, index);
        regexAllowed = false;
        lastSignificant = 47;
        continue;
      }
      index += 1;
      regexAllowed = true;
      lastSignificant = char;
      continue;
    }
    if (char === 39 || char === 34) {
      index = skipString(code, index, char);
      regexAllowed = false;
      lastSignificant = char;
      continue;
    }
    if (char === 96 /* ` */) {
      index = skipTemplate(code, index + 1, templateStack, braceDepth);
      regexAllowed = false;
      lastSignificant = char;
      continue;
    }
    if (char === 125 /* } */ && templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
      templateStack.pop();
      index = skipTemplate(code, index + 1, templateStack, braceDepth);
      regexAllowed = false;
      lastSignificant = 96;
      continue;
    }
    if (isIdentifierChar(char)) {
      const start = index;
      while (index < length && isIdentifierChar(code.charCodeAt(index))) index += 1;
      const name = code.slice(start, index);
      const numeric = char >= 48 && char <= 57;
      if (!numeric) onIdentifier({ name, start, end: index, afterDot: lastSignificant === 46 });
      regexAllowed = !numeric && keywordsBeforeRegex.has(name) && lastSignificant !== 46;
      lastSignificant = numeric ? 48 : 65;
      continue;
    }
    if (char === 123) braceDepth += 1;
    else if (char === 125) braceDepth -= 1;
    regexAllowed = !(char === 41 || char === 93 || char === 125);
    lastSignificant = char;
    index += 1;
  }
}

function skipString(code: string, start: number, quote: number): number {
  let index = start + 1;
  while (index < code.length) {
    const char = code.charCodeAt(index);
    if (char === 92) index += 2;
    else if (char === quote || char === 10) return index + 1;
    else index += 1;
  }
  return index;
}

/** Skips template text from `index` to the closing backtick or the next `${`. */
function skipTemplate(code: string, start: number, templateStack: number[], braceDepth: number): number {
  let index = start;
  while (index < code.length) {
    const char = code.charCodeAt(index);
    if (char === 92) index += 2;
    else if (char === 96) return index + 1;
    else if (char === 36 && code.charCodeAt(index + 1) === 123) {
      templateStack.push(braceDepth);
      return index + 2;
    } else index += 1;
  }
  return index;
}

function skipRegex(code: string, start: number): number {
  let index = start + 1;
  let inClass = false;
  while (index < code.length) {
    const char = code.charCodeAt(index);
    if (char === 92) index += 2;
    else if (char === 10) return index;
    else if (char === 91) {
      inClass = true;
      index += 1;
    } else if (char === 93) {
      inClass = false;
      index += 1;
    } else if (char === 47 && !inClass) {
      index += 1;
      while (index < code.length && isIdentifierChar(code.charCodeAt(index))) index += 1;
      return index;
    } else index += 1;
  }
  return index;
}

function nextSignificant(code: string, from: number): number {
  let index = from;
  while (index < code.length && isSpace(code.charCodeAt(index))) index += 1;
  return index;
}

/**
 * Renames every binding or reference named `from` (not a property after `.`, not an
 * object key before `:`) to `to`.
 */
export function renameIdentifier(code: string, from: string, to: string): string {
  if (!code.includes(from)) return code;
  const parts: string[] = [];
  let copied = 0;
  scanIdentifiers(code, (identifier) => {
    if (identifier.name !== from || identifier.afterDot) return;
    const after = nextSignificant(code, identifier.end);
    if (code.charCodeAt(after) === 58 /* : */ && code.charCodeAt(after + 1) !== 58) {
      // An object key `{ require: x }`, unless it is a ternary's branch: look back for `?`.
      const before = code.slice(Math.max(0, identifier.start - 40), identifier.start).trimEnd();
      if (!before.endsWith('?')) return;
    }
    parts.push(code.slice(copied, identifier.start), to);
    copied = identifier.end;
  });
  if (copied === 0) return code;
  parts.push(code.slice(copied));
  return parts.join('');
}

export interface ModuleSyntax {
  code: string;
  /** Specifiers of `require('…')` calls with a literal argument, in order. */
  requires: string[];
  usesImportMeta: boolean;
}

/**
 * Replaces `import.meta` with {@link importMetaName} and `import(` with
 * {@link dynamicImportName}`(`, and lists the literal `require('…')` specifiers.
 */
export function rewriteModuleSyntax(code: string): ModuleSyntax {
  const parts: string[] = [];
  const requires: string[] = [];
  let copied = 0;
  let usesImportMeta = false;
  const hasImport = code.includes('import');
  const hasRequire = code.includes('require');
  if (!hasImport && !hasRequire) return { code, requires, usesImportMeta };
  scanIdentifiers(code, (identifier) => {
    if (identifier.afterDot) return;
    if (identifier.name === 'import') {
      const after = nextSignificant(code, identifier.end);
      if (code.charCodeAt(after) === 40 /* ( */) {
        parts.push(code.slice(copied, identifier.start), dynamicImportName);
        copied = identifier.end;
      } else if (code.charCodeAt(after) === 46 /* . */) {
        const property = nextSignificant(code, after + 1);
        if (code.startsWith('meta', property) && !isIdentifierChar(code.charCodeAt(property + 4))) {
          parts.push(code.slice(copied, identifier.start), importMetaName);
          copied = property + 4;
          usesImportMeta = true;
        }
      }
    } else if (identifier.name === 'require') {
      const open = nextSignificant(code, identifier.end);
      if (code.charCodeAt(open) !== 40) return;
      const quoteAt = nextSignificant(code, open + 1);
      const quote = code.charCodeAt(quoteAt);
      if (quote !== 39 && quote !== 34) return;
      const end = code.indexOf(code[quoteAt] ?? '', quoteAt + 1);
      if (end === -1) return;
      const literal = code.slice(quoteAt + 1, end);
      if (!literal.includes('\\') && code.charCodeAt(nextSignificant(code, end + 1)) === 41) requires.push(literal);
    }
  });
  if (copied === 0) return { code, requires, usesImportMeta };
  parts.push(code.slice(copied));
  return { code: parts.join(''), requires, usesImportMeta };
}
