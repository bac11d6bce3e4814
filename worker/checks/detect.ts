import type { CheckRuntimeName } from './contract.ts';

/**
 * Which files of a project are its tests, and which runtime runs them. Only names are
 * read here: the runtime itself decides which of its test files it can load.
 */

const jsTest =
  /(^|\/)(test|tests|__tests__)\/.+\.(m|c)?(j|t)sx?$|(^|\/)[^/]+[._-]test\.(m|c)?(j|t)sx?$|(^|\/)[^/]+\.spec\.(m|c)?(j|t)sx?$|(^|\/)test-[^/]+\.(m|c)?(j|t)s$/i;
const pyTest = /(^|\/)test_[^/]+\.py$|(^|\/)[^/]+_test\.py$|(^|\/)tests?\/[^/]+\.py$/i;
const ignored = /(^|\/)(node_modules|\.orchestra|\.git|dist|build|__pycache__)\//;

export function isJsTestFile(path: string): boolean {
  return !ignored.test(path) && jsTest.test(path) && !/(^|\/)(fixtures?|helpers?)\//i.test(path);
}

export function isPyTestFile(path: string): boolean {
  return !ignored.test(path) && pyTest.test(path) && !/(^|\/)(conftest|__init__)\.py$/.test(path);
}

/** Whether a path is one of the project's files that a run should get. */
export function isRunnableFile(path: string): boolean {
  return !path.startsWith('.orchestra/') && !ignored.test(path);
}

export interface DetectedSuite {
  runtime: CheckRuntimeName;
  testFiles: string[];
}

/**
 * The runtime for a project's suite: the one most of its test files are written for
 * (JavaScript/TypeScript wins a tie), or none when it has no tests.
 * @example detectSuite(['src/a.js', 'test/a.test.js']) // { runtime: 'node', testFiles: ['test/a.test.js'] }
 */
export function detectSuite(paths: readonly string[]): DetectedSuite | null {
  const js = paths.filter(isJsTestFile);
  const py = paths.filter(isPyTestFile);
  if (js.length === 0 && py.length === 0) return null;
  return js.length >= py.length
    ? { runtime: 'node', testFiles: js.sort() }
    : { runtime: 'python', testFiles: py.sort() };
}
