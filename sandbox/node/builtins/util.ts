/**
 * `util`: the npm port of Node's util with Node's own `inspect`/`format` put in its place
 * (node-inspect-extracted). This module must be evaluated before the assert package loads,
 * since assert takes `inspect` from util when it loads (see assert.ts).
 */
import { isDeepStrictEqual } from 'assert/build/internal/util/comparisons.js';
import { format, formatWithOptions, inspect, stripVTControlCharacters } from 'node-inspect-extracted';
import utilPackage from 'util/util.js';
import type { ModuleExports } from './module-exports.ts';

utilPackage.inspect = inspect;
utilPackage.format = format;

function styleText(_format: unknown, text: string): string {
  return text;
}

/** The `util` built-in (shared by every file of a run; it holds no state). */
export const util: ModuleExports = {
  ...utilPackage,
  inspect,
  format,
  formatWithOptions,
  stripVTControlCharacters,
  isDeepStrictEqual,
  styleText,
  TextEncoder,
  TextDecoder,
  types: { ...utilPackage.types, isNativeError: (value: unknown) => value instanceof Error },
  aborted: (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    }),
  getSystemErrorName: (errno: number) => `E${Math.abs(errno)}`,
};
util.default = util;

export { format, formatWithOptions, inspect };
