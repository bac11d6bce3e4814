import { parse } from 'es-module-lexer/js';
import { isScript, mediaType, resolveReference } from './paths.ts';

/**
 * The blob: URLs a generated page loads its files from. A blob: URL has no folder, so a
 * module loaded from one cannot resolve `./tasks.js`, nor a stylesheet `../img/a.png`:
 * each file's references to other project files are rewritten to those files' URLs
 * before its own URL is made (depth first). Blob URLs are tied to the origin that made
 * them, so this runs inside the generated page's document, before any of its code.
 *
 * An import cycle cannot be written this way (each file would need the other's URL
 * first): the back edge is left as it was, and `problems` says which files.
 */
export class ProjectUrls {
  readonly #files: ReadonlyMap<string, string>;
  readonly #urls = new Map<string, string>();
  readonly #paths = new Map<string, string>();
  readonly #making = new Set<string>();
  readonly #make: (text: string, type: string) => string;
  readonly problems: string[] = [];

  constructor(files: ReadonlyMap<string, string>, make = makeBlobUrl) {
    this.#files = files;
    this.#make = (text, type) => make(text, type);
  }

  has(path: string): boolean {
    return this.#files.has(path);
  }

  text(path: string): string | undefined {
    return this.#files.get(path);
  }

  /** The project path a URL made here stands for (for console locations). */
  pathOf(url: string): string | undefined {
    return this.#paths.get(url);
  }

  /** Records a URL made elsewhere (an inline script's) under a name for console locations. */
  name(url: string, label: string): void {
    this.#paths.set(url, label);
  }

  /** The URL of a project file, its references rewritten; undefined when there is no such file. */
  urlOf(path: string): string | undefined {
    const made = this.#urls.get(path);
    if (made !== undefined) return made;
    const text = this.#files.get(path);
    if (text === undefined || this.#making.has(path)) return undefined;
    this.#making.add(path);
    try {
      let body = text;
      if (isScript(path)) body = this.module(text, path);
      else if (/\.css$/i.test(path)) body = this.css(text, path);
      const url = this.#make(body, mediaType(path));
      this.#urls.set(path, url);
      this.#paths.set(url, path);
      return url;
    } finally {
      this.#making.delete(path);
    }
  }

  /** The URL a reference written in `fromPath` points to, or undefined when it is not a project file. */
  reference(fromPath: string, reference: string): string | undefined {
    const path = resolveReference(fromPath, reference);
    if (path === undefined) return undefined;
    const url = this.urlOf(path);
    if (url === undefined) return undefined;
    const fragment = /#.*$/.exec(reference)?.[0] ?? '';
    return url + fragment;
  }

  /** A module's text with its relative import specifiers pointing at the files' URLs. */
  module(source: string, fromPath: string): string {
    let imports: ReturnType<typeof parse>[0];
    try {
      [imports] = parse(source);
    } catch {
      return source; // A syntax error: the browser reports it when it loads the file.
    }
    let out = source;
    // From the end, so earlier offsets stay valid.
    for (const entry of [...imports].sort((a, b) => b.s - a.s)) {
      const specifier = entry.n;
      if (specifier === undefined || !/^(\.{1,2}\/|\/)/.test(specifier)) continue;
      const path = this.moduleTarget(fromPath, specifier);
      if (path === undefined) continue;
      const url = this.urlOf(path);
      if (url === undefined) {
        if (this.#making.has(path))
          this.problems.push(
            `${fromPath} and ${path} import each other (directly or not): the preview cannot load an import cycle.`,
          );
        continue;
      }
      // A dynamic import's range includes the quotes; a static one's does not.
      const quoted = entry.d > -1;
      out = out.slice(0, entry.s) + (quoted ? JSON.stringify(url) : url) + out.slice(entry.e);
    }
    return out;
  }

  /** The file an import specifier names: as written, else with `.js`/`.mjs`, else its `index.js`. */
  moduleTarget(fromPath: string, specifier: string): string | undefined {
    const path = resolveReference(fromPath, specifier);
    if (path === undefined) return undefined;
    for (const candidate of [path, `${path}.js`, `${path}.mjs`, `${path}/index.js`])
      if (this.#files.has(candidate)) return candidate;
    return undefined;
  }

  /** A stylesheet's text with its `url(…)` and `@import` references pointing at the files' URLs. */
  css(source: string, fromPath: string): string {
    return source
      .replace(/url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g, (whole, _quote: string, reference: string) => {
        const url = this.reference(fromPath, reference);
        return url === undefined ? whole : `url("${url}")`;
      })
      .replace(/@import\s+(['"])([^'"]+)\1/g, (whole, _quote: string, reference: string) => {
        const url = this.reference(fromPath, reference);
        return url === undefined ? whole : `@import "${url}"`;
      });
  }
}

function makeBlobUrl(text: string, type: string): string {
  return URL.createObjectURL(new Blob([text], { type }));
}
