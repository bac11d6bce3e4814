import { describe, expect, test } from 'vitest';
import { runFiles } from './helpers.ts';

/**
 * Packages under node_modules resolve as Node resolves them: `exports` in the package's own
 * key order against Node's conditions, subpath patterns by specificity, `imports` for `#`
 * specifiers, self-reference, `main`, nested node_modules, CommonJS and ES modules. Each
 * expectation below is what `node --test` prints for the same files (Node 20+).
 */

const json = (value: unknown) => JSON.stringify(value);

/** Runs one test file against `files` and returns the report, failing on any non-pass. */
async function expectPasses(files: Record<string, string>, passes: number) {
  const { report } = await runFiles(files);
  const failures = report.cases.filter((item) => item.status !== 'pass').map((item) => item.message);
  const loadErrors = report.files.filter((file) => file.status === 'error').map((file) => file.message);
  expect({ outcome: report.outcome, failures, loadErrors }).toEqual({
    outcome: 'completed',
    failures: [],
    loadErrors: [],
  });
  expect(report.counts.pass).toBe(passes);
  return report;
}

describe('package exports', () => {
  test('conditions are taken in the package key order: import, require, node, default', async () => {
    await expectPasses(
      {
        'package.json': json({ type: 'module' }),
        // "default" first: Node takes it even for import.
        'node_modules/default-first/package.json': json({
          name: 'default-first',
          exports: { default: './d.js', import: './i.mjs' },
        }),
        'node_modules/default-first/d.js': "module.exports = 'default';",
        'node_modules/default-first/i.mjs': "export default 'import';",
        // "node" before "import": taken for both import and require.
        'node_modules/node-first/package.json': json({
          name: 'node-first',
          exports: { node: './n.cjs', import: './i.mjs', default: './d.cjs' },
        }),
        'node_modules/node-first/n.cjs': "module.exports = 'node';",
        'node_modules/node-first/i.mjs': "export default 'import';",
        'node_modules/node-first/d.cjs': "module.exports = 'default';",
        // Dual package: import gets the ES module, require the CommonJS file; "types" and
        // "browser" are not ours.
        'node_modules/dual/package.json': json({
          name: 'dual',
          exports: {
            '.': {
              types: './index.d.ts',
              browser: './browser.js',
              import: './esm/index.js',
              require: './cjs/index.cjs',
            },
            './package.json': './package.json',
          },
        }),
        'node_modules/dual/esm/index.js': "export const kind = 'esm';",
        'node_modules/dual/esm/package.json': json({ type: 'module' }),
        'node_modules/dual/cjs/index.cjs': "exports.kind = 'cjs';",
        'node_modules/dual/browser.js': "throw new Error('browser build');",
        // Nested conditions: node → import/require.
        'node_modules/nested/package.json': json({
          name: 'nested',
          exports: { node: { import: './node.mjs', require: './node.cjs' }, default: './other.js' },
        }),
        'node_modules/nested/node.mjs': "export default 'node-import';",
        'node_modules/nested/node.cjs': "module.exports = 'node-require';",
        'test/conditions.test.js': [
          "import test from 'node:test';",
          "import assert from 'node:assert/strict';",
          "import { createRequire } from 'node:module';",
          "import defaultFirst from 'default-first';",
          "import nodeFirst from 'node-first';",
          "import { kind } from 'dual';",
          "import nested from 'nested';",
          'const require = createRequire(import.meta.url);',
          "test('import', () => { assert.equal(defaultFirst, 'default'); assert.equal(nodeFirst, 'node'); assert.equal(kind, 'esm'); assert.equal(nested, 'node-import'); assert.equal(require('dual/package.json').name, 'dual'); });",
          "test('require', () => { assert.equal(require('default-first'), 'default'); assert.equal(require('node-first'), 'node'); assert.equal(require('dual').kind, 'cjs'); assert.equal(require('nested'), 'node-require'); });",
        ].join('\n'),
      },
      2,
    );
  });

  test('subpaths: the most specific pattern wins, null excludes, the rest is not exported', async () => {
    const { report } = await runFiles({
      'package.json': json({ type: 'module' }),
      'node_modules/kit/package.json': json({
        name: 'kit',
        exports: {
          '.': './index.js',
          './features/*.js': './src/features/*.js',
          './features/internal/*.js': null,
          './features/special/*.js': './src/special/*.js',
          './utils': { import: './src/utils.mjs', default: './src/utils.cjs' },
        },
      }),
      'node_modules/kit/index.js': "module.exports = 'kit';",
      'node_modules/kit/src/features/a.js': "module.exports = 'feature a';",
      'node_modules/kit/src/features/internal/x.js': "module.exports = 'internal';",
      'node_modules/kit/src/special/b.js': "module.exports = 'special b';",
      'node_modules/kit/src/utils.mjs': "export const where = 'utils esm';",
      'node_modules/kit/src/utils.cjs': "exports.where = 'utils cjs';",
      'node_modules/kit/src/hidden.js': "module.exports = 'hidden';",
      'test/subpaths.test.js': [
        "import test from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        "test('patterns', async () => {",
        "  assert.equal((await import('kit/features/a.js')).default, 'feature a');",
        "  assert.equal((await import('kit/features/special/b.js')).default, 'special b');",
        "  assert.equal((await import('kit/utils')).where, 'utils esm');",
        "  assert.equal(require('kit/utils').where, 'utils cjs');",
        '});',
        "test('excluded by null', async () => { await import('kit/features/internal/x.js'); });",
        "test('not exported', () => { require('kit/src/hidden.js'); });",
      ].join('\n'),
    });
    const byName = new Map(report.cases.map((item) => [item.name.join(' > '), item]));
    expect(byName.get('patterns')?.status).toBe('pass');
    expect(byName.get('excluded by null')?.status).toBe('fail');
    expect(byName.get('excluded by null')?.message).toContain(
      `Package subpath './features/internal/x.js' is not defined by "exports" in /project/node_modules/kit/package.json`,
    );
    expect(byName.get('not exported')?.message).toContain(
      `Package subpath './src/hidden.js' is not defined by "exports" in /project/node_modules/kit/package.json imported from /project/test/subpaths.test.js`,
    );
  });

  test('a package without exports resolves main, then index, and any file by path', async () => {
    await expectPasses(
      {
        'node_modules/old/package.json': json({ name: 'old', main: 'lib/main' }),
        'node_modules/old/lib/main.js': "exports.main = true; exports.helper = require('./helper');",
        'node_modules/old/lib/helper.js': "module.exports = 'helper';",
        'node_modules/plain/index.js': "module.exports = 'plain index';",
        'test/main.test.js': [
          "const test = require('node:test');",
          "const assert = require('node:assert');",
          "test('main', () => { assert.equal(require('old').helper, 'helper'); assert.equal(require('plain'), 'plain index'); assert.equal(require('old/lib/helper'), 'helper'); });",
        ].join('\n'),
      },
      1,
    );
  });
});

describe('package imports and self-reference', () => {
  test('#specifiers map through imports, with conditions, patterns and packages as targets', async () => {
    await expectPasses(
      {
        'package.json': json({
          name: 'app',
          type: 'module',
          imports: {
            '#config': { node: './src/config.node.js', default: './src/config.js' },
            '#lib/*': './src/lib/*.js',
            '#pad': 'pad-dep',
          },
          exports: { '.': './src/index.js', './lib/*': './src/lib/*.js' },
        }),
        'src/config.node.js': "export default 'node config';",
        'src/config.js': "export default 'other config';",
        'src/lib/math.js': 'export const double = (n) => n * 2;',
        'src/index.js': "export { double } from '#lib/math';",
        'node_modules/pad-dep/package.json': json({
          name: 'pad-dep',
          exports: './pad.js',
          imports: { '#inner': './inner.js' },
        }),
        'node_modules/pad-dep/pad.js': "module.exports = (s) => require('#inner')(s);",
        'node_modules/pad-dep/inner.js': "module.exports = (s) => '[' + s + ']';",
        'test/imports.test.js': [
          "import test from 'node:test';",
          "import assert from 'node:assert/strict';",
          "import config from '#config';",
          "import { double } from '#lib/math';",
          "import pad from '#pad';",
          "import { double as viaSelf } from 'app';",
          "import { double as viaSubpath } from 'app/lib/math';",
          "test('imports', () => { assert.equal(config, 'node config'); assert.equal(double(2), 4); assert.equal(pad('x'), '[x]'); });",
          "test('self-reference', () => { assert.equal(viaSelf(3), 6); assert.equal(viaSubpath(4), 8); });",
        ].join('\n'),
      },
      2,
    );
  });

  test('an undefined #specifier fails with Node’s message', async () => {
    const { report } = await runFiles({
      'package.json': json({ type: 'module', imports: { '#a': './a.js' } }),
      'a.js': 'export default 1;',
      'test/missing.test.js': "import test from 'node:test';\ntest('x', async () => { await import('#b'); });\n",
    });
    expect(report.cases[0]?.message).toContain(
      'Package import specifier "#b" is not defined in package /project/package.json imported from /project/test/missing.test.js',
    );
  });
});

describe('nested node_modules', () => {
  test('each package sees its own dependency versions, nearest first', async () => {
    await expectPasses(
      {
        'node_modules/shared/package.json': json({ name: 'shared', version: '1.0.0', main: 'index.js' }),
        'node_modules/shared/index.js': "module.exports = 'shared 1';",
        'node_modules/consumer/package.json': json({
          name: 'consumer',
          version: '1.0.0',
          type: 'module',
          exports: './index.js',
        }),
        'node_modules/consumer/index.js':
          "import shared from 'shared';\nimport scoped from '@scope/tool';\nexport default shared + ' / ' + scoped;",
        'node_modules/consumer/node_modules/shared/package.json': json({
          name: 'shared',
          version: '2.0.0',
          exports: { import: './v2.mjs', require: './v2.cjs' },
        }),
        'node_modules/consumer/node_modules/shared/v2.mjs': "export default 'shared 2';",
        'node_modules/consumer/node_modules/shared/v2.cjs': "module.exports = 'shared 2 (cjs)';",
        'node_modules/@scope/tool/package.json': json({
          name: '@scope/tool',
          exports: { '.': { default: './tool.js' } },
        }),
        'node_modules/@scope/tool/tool.js': "module.exports = 'scoped tool';",
        'test/nested.test.mjs': [
          "import test from 'node:test';",
          "import assert from 'node:assert/strict';",
          "import shared from 'shared';",
          "import consumer from 'consumer';",
          "test('versions', () => { assert.equal(shared, 'shared 1'); assert.equal(consumer, 'shared 2 / scoped tool'); });",
        ].join('\n'),
      },
      1,
    );
  });
});
