// A Map: the extension comes from the request's path, and `{}['.constructor']`… is not a type.
const types: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.webmanifest': 'application/manifest+json; charset=utf-8',
    '.map': 'application/json; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.txt': 'text/plain; charset=utf-8',
    '.woff2': 'font/woff2',
    '.wasm': 'application/wasm',
  }),
);

/** The Content-Type for a file extension (with its dot), or a safe binary default. */
export function contentTypeFor(extension: string): string {
  return types.get(extension.toLowerCase()) ?? 'application/octet-stream';
}

/** Types worth compressing; images and fonts are compressed already. */
export function isCompressible(extension: string): boolean {
  return /^\.(html|m?js|css|json|webmanifest|map|svg|txt|wasm|bin)$/i.test(extension);
}
