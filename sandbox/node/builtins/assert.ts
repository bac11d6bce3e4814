/**
 * `assert` and `assert/strict`: the npm port of Node's assert (its messages and diffs),
 * printing values with Node's inspect. util.ts is imported first on purpose: the assert
 * package reads `inspect` from util once, when it loads.
 */
import './util.ts';
import assertPackage from 'assert/build/assert.js';

export const assert = assertPackage;
export const assertStrict = assertPackage.strict as typeof assertPackage;
