// Types for the CommonJS packages the runtime imports by file path. They are imported by
// path ("util/util.js", not "util") so that Node, running the unit tests, resolves the npm
// package and never its own built-in of the same name: the sandbox has no Node built-ins.

declare module 'path-browserify/index.js' {
  interface PathModule {
    sep: string;
    delimiter: string;
    resolve(...paths: string[]): string;
    normalize(path: string): string;
    isAbsolute(path: string): boolean;
    join(...paths: string[]): string;
    relative(from: string, to: string): string;
    dirname(path: string): string;
    basename(path: string, ext?: string): string;
    extname(path: string): string;
    format(parts: Record<string, string | undefined>): string;
    parse(path: string): { root: string; dir: string; base: string; ext: string; name: string };
    toNamespacedPath(path: string): string;
    posix: PathModule;
  }
  const path: PathModule;
  export default path;
}

declare module 'util/util.js' {
  const util: Record<string, unknown> & { inspect: unknown; format: unknown; types: Record<string, unknown> };
  export default util;
}

declare module 'assert/build/assert.js' {
  const assert: ((value: unknown, message?: string) => void) & Record<string, unknown> & { strict: unknown };
  export default assert;
}

declare module 'assert/build/internal/util/comparisons.js' {
  export function isDeepEqual(a: unknown, b: unknown): boolean;
  export function isDeepStrictEqual(a: unknown, b: unknown): boolean;
}

declare module 'events/events.js' {
  const events: (new () => object) & Record<string, unknown>;
  export default events;
}
