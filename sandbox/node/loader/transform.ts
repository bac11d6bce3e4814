/**
 * Turns a project file into the body of a module function: TypeScript types stripped and
 * ES module syntax turned into `require`/`exports` by sucrase (which keeps line numbers),
 * `import.meta` and `import()` handed to the loader. Results are cached by path and
 * content across runs, so a second run of the same project compiles nothing.
 */
import { decode, type SourceMapMappings } from '@jridgewell/sourcemap-codec';
import { transform, type Transform } from 'sucrase';
import { renameIdentifier, rewriteModuleSyntax, userRequireName } from './scan.ts';

export type ModuleFormat = 'esm' | 'cjs';

export interface CompiledModule {
  format: ModuleFormat;
  /** The function body to evaluate. */
  code: string;
  /** Static import specifiers, in order (ES modules only). */
  imports: string[];
  /** Maps a 1-based line and column of `code` to the source's, when they differ. */
  original(line: number, column: number): { line: number; column: number };
}

/** Thrown for a file that does not parse; line and column are the source's, 1-based. */
export class CompileError extends SyntaxError {
  readonly path: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, path: string, line: number | undefined, column: number | undefined) {
    super(message);
    this.name = 'SyntaxError';
    this.path = path;
    this.line = line;
    this.column = column;
  }
}

const typeScript = /\.[cm]?tsx?$/;
const jsx = /\.[jt]sx$/;
// `export`/`import` as a statement: a keyword then a name, `*`, `{` or a string — not
// `exports.x = …` or `imports.push(…)` at the start of a CommonJS statement.
const moduleSyntax = /(?:^|[\n;])\s*(?:import\s*(?:[*{]|["'])|import\s+[\w$]|export\s*[*{]|export\s+[\w$])/;

/** Whether source code uses ES module syntax (`import …` / `export …` statements). */
export function hasModuleSyntax(source: string): boolean {
  return moduleSyntax.test(source);
}

interface CacheEntry {
  source: string;
  compiled: CompiledModule;
}

const cache = new Map<string, CacheEntry>();
let cachedChars = 0;
const maxCachedChars = 32 * 1024 * 1024;

/** Compiles a module; `path` names it in errors and picks the transforms by extension. */
export function compileModule(path: string, source: string, format: ModuleFormat): CompiledModule {
  const key = `${format}:${path}`;
  const hit = cache.get(key);
  if (hit && hit.source === source) return hit.compiled;
  const compiled = compile(path, source, format);
  if (cachedChars > maxCachedChars) {
    cache.clear();
    cachedChars = 0;
  }
  cache.set(key, { source, compiled });
  cachedChars += source.length + compiled.code.length;
  return compiled;
}

function transformsFor(path: string, format: ModuleFormat): Transform[] {
  const transforms: Transform[] = [];
  if (typeScript.test(path)) transforms.push('typescript');
  if (jsx.test(path)) transforms.push('jsx');
  if (format === 'esm' || transforms.length > 0) transforms.push('imports');
  return transforms;
}

function compile(path: string, source: string, format: ModuleFormat): CompiledModule {
  const transforms = transformsFor(path, format);
  const identity = (line: number, column: number) => ({ line, column });
  if (transforms.length === 0) {
    const { code } = rewriteModuleSyntax(source);
    return { format, code, imports: [], original: identity };
  }
  // An ES module has no `require` of its own: one it declares (createRequire) is renamed
  // so it cannot shadow the one sucrase's output calls.
  const input = format === 'esm' ? renameIdentifier(source, 'require', userRequireName) : source;
  const options = {
    transforms,
    filePath: path,
    preserveDynamicImport: true,
    disableESTransforms: true,
    production: true,
    jsxRuntime: 'automatic' as const,
  };
  let output: string;
  try {
    output = transform(input, options).code;
  } catch (error) {
    const located = typeScript.test(path) ? undefined : locateWithV8(source);
    throw located
      ? new CompileError(located.message, path, located.line, undefined)
      : toCompileError(error, path, input);
  }
  const { code, requires } = rewriteModuleSyntax(output);
  let mappings: SourceMapMappings | undefined;
  const original = (line: number, column: number) => {
    mappings ??= decode(
      transform(input, { ...options, sourceMapOptions: { compiledFilename: path } }).sourceMap?.mappings ?? '',
    );
    return lookup(mappings, line, column);
  };
  return { format, code, imports: format === 'esm' ? requires : [], original };
}

/** The source position of a generated one (both 1-based), through a decoded source map. */
function lookup(mappings: SourceMapMappings, line: number, column: number): { line: number; column: number } {
  const segments = mappings[line - 1];
  if (!segments || segments.length === 0) return { line, column };
  let best = segments[0];
  for (const segment of segments) {
    if (segment[0] <= column - 1) best = segment;
    else break;
  }
  if (!best || best.length < 4) return { line, column };
  const generatedColumn = best[0];
  const sourceLine = best[2] ?? line - 1;
  const sourceColumn = (best[3] ?? 0) + Math.max(0, column - 1 - generatedColumn);
  return { line: sourceLine + 1, column: sourceColumn + 1 };
}

function toCompileError(error: unknown, path: string, source: string): CompileError {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/\s*\(\d+:\d+\)\s*$/, '').replace(/^Error transforming [^:]*: /, '');
  // Sucrase's parse errors carry the character index of the problem.
  const position = (error as { pos?: unknown } | undefined)?.pos;
  if (typeof position !== 'number' || position < 0 || position > source.length) {
    return new CompileError(text, path, undefined, undefined);
  }
  const before = source.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return new CompileError(text, path, line, column);
}

/**
 * Where a file that V8 refused to compile is wrong. V8's SyntaxError from eval carries no
 * position; sucrase's parser finds most of the same errors with one.
 */
export function locateSyntaxError(path: string, source: string, error: SyntaxError): CompileError {
  const located = typeScript.test(path) ? undefined : locateWithV8(source);
  if (located) return new CompileError(located.message, path, located.line, undefined);
  try {
    transform(source, {
      transforms: ['imports'],
      filePath: path,
      preserveDynamicImport: true,
      disableESTransforms: true,
    });
  } catch (parseError) {
    const located = toCompileError(parseError, path, source);
    if (located.line !== undefined) return located;
  }
  return new CompileError(error.message, path, undefined, undefined);
}

const AsyncFunction = (Object.getPrototypeOf(async function () {}) as { constructor: new (body: string) => unknown })
  .constructor;
const incomplete = /end of input|Unterminated template|missing \) after argument list/;

/**
 * The line of a JavaScript syntax error as V8 sees it, found by compiling ever longer
 * prefixes of the file (a binary search): V8's own SyntaxError says what but not where,
 * and sucrase's parser, which says where, backtracks out of arrow functions first. Import
 * and export keywords are blanked first, since a function body cannot hold them.
 */
export function locateWithV8(source: string): { line: number; message: string } | undefined {
  const lines = source
    .replace(
      /^(\s*)(import\s*(?:[\w$*{][^;\n]*from\s*)?["'][^"'\n]*["'][^;\n]*;?)/gm,
      (_match, space: string, statement: string) => space + ' '.repeat(statement.length),
    )
    .replace(
      /^(\s*)export\s+(default\s+)?/gm,
      (match, space: string) => space + ' '.repeat(match.length - space.length),
    )
    .split('\n');
  const failure = (count: number): string | undefined => {
    try {
      new AsyncFunction(`${lines.slice(0, count).join('\n')}\n`);
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return incomplete.test(message) ? undefined : message;
    }
  };
  const message = failure(lines.length);
  if (message === undefined) return undefined;
  let low = 1;
  let high = lines.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failure(middle) === undefined) low = middle + 1;
    else high = middle;
  }
  return { line: low, message };
}
