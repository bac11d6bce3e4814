import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context, MiddlewareHandler } from 'hono';
import { acceptedEncodings } from './accept-encoding.ts';
import { contentTypeFor } from './content-types.ts';
import { resolveInside } from './safe-path.ts';

export interface ServeDistOptions {
  /** The built app (`dist/`). */
  root: string;
}

/** Vite names these by content hash, so a URL never changes meaning. */
const immutablePrefix = '/assets/';

/**
 * Serves the built app: precompressed `.br`/`.gz` variants when the client takes
 * them, hashed assets cached for a year, everything else (index.html, sw.js, the
 * manifest) revalidated on every load, and index.html for app routes so deep links
 * work. Paths that try to leave `root` are refused with 400.
 */
export function serveDist(options: ServeDistOptions): MiddlewareHandler {
  const root = resolve(options.root);
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const urlPath = new URL(c.req.url).pathname;
    const file = resolveInside(root, urlPath);
    if (!file) return c.text('Bad request: this path is not allowed.', 400);

    const found = await existingFile(root, file);
    if (found) return sendFile(c, found, urlPath);
    // An app route (no file extension) gets the app, which routes it; a missing file is a 404.
    if (extname(urlPath) === '') {
      const index = await existingFile(root, resolve(root, 'index.html'));
      if (index) return sendFile(c, index, '/index.html');
    }
    return next();
  };
}

async function existingFile(root: string, file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    // A symlink inside dist must not lead outside it.
    const real = await realpath(file);
    const realRoot = await realpath(root);
    return real.startsWith(realRoot + sep) ? file : undefined;
  } catch {
    return undefined;
  }
}

async function sendFile(c: Context, file: string, urlPath: string): Promise<Response> {
  const extension = extname(file);
  let chosen = file;
  let encoding: string | undefined;
  for (const candidate of acceptedEncodings(c.req.header('accept-encoding'))) {
    const variant = `${file}.${candidate === 'br' ? 'br' : 'gz'}`;
    if (
      await stat(variant).then(
        (info) => info.isFile(),
        () => false,
      )
    ) {
      chosen = variant;
      encoding = candidate;
      break;
    }
  }
  const info = await stat(chosen);
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
  // Response headers we write, never looked up by outside text.
  // eslint-disable-next-line no-restricted-syntax
  const headers: Record<string, string> = {
    'Content-Type': contentTypeFor(extension),
    'Cache-Control': urlPath.startsWith(immutablePrefix) ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: etag,
    Vary: 'Accept-Encoding',
  };
  if (encoding) headers['Content-Encoding'] = encoding;
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  headers['Content-Length'] = String(info.size);
  if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(await readFile(chosen), { status: 200, headers });
}
