import { resolve, sep } from 'node:path';

/**
 * Maps a URL path to a file inside `root`, or returns undefined for anything that
 * tries to leave it or reach a hidden file: `..`, `.` and dot-file segments (plain or
 * percent-encoded, `%2e%2e%2f`), backslashes, NUL bytes and malformed encodings.
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/');
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${decoded}`);
  return file === base || file.startsWith(base + sep) ? file : undefined;
}
