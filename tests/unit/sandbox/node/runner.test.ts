import { describe, expect, test } from 'vitest';
import { webApp } from '../../../../worker/providers/template/templates/web-app.ts';
import { caseNamed, runFiles } from './helpers.ts';

const pkg = JSON.stringify({ type: 'module', scripts: { test: 'node --test' } });

describe('failures point at the project', () => {
  test('an off-by-one bug fails with the assertion diff at the test line', async () => {
    const files = webApp.files('demo').map((file) =>
      file.path === 'src/tasks.js'
        ? {
            ...file,
            content: file.content.replace(
              'filter((task) => !task.done).length',
              'filter((task) => !task.done).length + 1',
            ),
          }
        : file,
    );
    const { report } = await runFiles(files);
    expect(report.counts).toMatchObject({ pass: 1, fail: 1 });
    const failed = caseNamed(report, 'toggling and removing change only the named task');
    expect(failed?.status).toBe('fail');
    expect(failed?.message).toContain('Expected values to be strictly equal');
    expect(failed?.message).toContain('2 !== 1');
    // assert.equal(remaining(tasks), 1) is on line 14 of test/tasks.test.js.
    expect(failed?.location).toEqual({ path: 'test/tasks.test.js', line: 14, column: 10 });
    expect(failed?.stack).toContain('test/tasks.test.js:14:10');
    expect(report.files).toEqual([expect.objectContaining({ file: 'test/tasks.test.js', status: 'fail' })]);
  });

  test('a TypeScript failure points at the TypeScript line and column', async () => {
    const { report } = await runFiles({
      'package.json': pkg,
      'src/sum.ts':
        'export interface Pair { a: number; b: number }\nexport function sum({ a, b }: Pair): number {\n  const total: number = a + b;\n  if (total > 10) throw new RangeError(`too big: ${total}`);\n  return total;\n}\n',
      'test/sum.test.ts':
        "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum, type Pair } from '../src/sum.ts';\n\nconst big: Pair = { a: 9, b: 9 };\ntest('adds', () => assert.equal(sum({ a: 1, b: 2 }), 3));\ntest('throws', () => { const value: number = sum(big); assert.ok(value); });\n",
    });
    expect(caseNamed(report, 'adds')?.status).toBe('pass');
    const thrown = caseNamed(report, 'throws');
    expect(thrown?.status).toBe('fail');
    expect(thrown?.message).toBe('RangeError: too big: 18');
    expect(thrown?.location).toEqual({ path: 'src/sum.ts', line: 4, column: 25 });
    expect(thrown?.stack?.split('\n')[1]).toContain('test/sum.test.ts:7:');
  });

  test('a test that reaches for the page DOM fails on its own with a sentence saying why; the others run', async () => {
    const { report } = await runFiles({
      'package.json': pkg,
      'src/counter.js': 'export const next = (count) => count + 1;\n',
      'src/page.js': "export const button = document.querySelector('#add');\n",
      'test/counter.test.js': [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { next } from '../src/counter.js';",
        "test('counts up', () => assert.equal(next(1), 2));",
        "test('renders the count', () => { document.body.innerHTML = '<p>1</p>'; });",
        "test('a plain typo', () => { countr += 1; });",
        '',
      ].join('\n'),
      'test/page.test.js':
        "import { test } from 'node:test';\nimport { button } from '../src/page.js';\ntest('has a button', () => {});\n",
    });
    expect(report.outcome).toBe('completed');
    expect(caseNamed(report, 'counts up')?.status).toBe('pass');
    const dom = caseNamed(report, 'renders the count');
    expect(dom?.status).toBe('fail');
    expect(dom?.message).toBe(
      'ReferenceError: document is not defined\nThis test needs a browser DOM (`document`), which the sandbox does not have: it runs tests as `node --test` does, and Node has no DOM either. Test the logic apart from the page, or have the test set up a DOM of its own.',
    );
    expect(dom?.location).toMatchObject({ path: 'test/counter.test.js', line: 5 });
    // A name that is not the page's is an ordinary mistake, said as Node says it.
    expect(caseNamed(report, 'a plain typo')?.message).toBe('ReferenceError: countr is not defined');
    // A module that touches the page on import: that file does not load, and says why.
    const page = report.files.find((file) => file.file === 'test/page.test.js');
    expect(page?.status).toBe('error');
    expect(page?.message).toContain('ReferenceError: document is not defined\nThis test needs a browser DOM');
    expect(page?.location).toMatchObject({ path: 'src/page.js', line: 1 });
  });

  test('a syntax error in a test file is an error of that file, with its location', async () => {
    const { report } = await runFiles({
      'package.json': pkg,
      'test/broken.test.js': "import { test } from 'node:test';\n\ntest('x', () => {\n  const a = ;\n});\n",
      'test/fine.test.js': "import { test } from 'node:test';\ntest('fine', () => {});\n",
    });
    const broken = report.files.find((file) => file.file === 'test/broken.test.js');
    expect(broken?.status).toBe('error');
    expect(broken?.message).toMatch(/^SyntaxError: /);
    expect(broken?.location).toMatchObject({ path: 'test/broken.test.js', line: 4 });
    expect(report.files.find((file) => file.file === 'test/fine.test.js')?.status).toBe('pass');
    expect(report.outcome).toBe('completed');
  });

  test('a syntax error in plain CommonJS is located too', async () => {
    const { report } = await runFiles({
      'test/cjs.test.js': "const { test } = require('node:test');\n\ntest('x', () => {\n  let = = 1;\n});\n",
    });
    expect(report.files[0]).toMatchObject({ status: 'error', location: { path: 'test/cjs.test.js', line: 4 } });
  });
});

describe('modules', () => {
  test('CommonJS, ES modules, TypeScript and JSON mix', async () => {
    const { report } = await runFiles({
      'package.json': JSON.stringify({ name: 'mix' }),
      'lib/cjs.cjs':
        "const path = require('path');\nmodule.exports = { join: (...parts) => path.join(...parts), dir: __dirname };\n",
      'lib/esm.mjs':
        "import cjs from './cjs.cjs';\nimport { join } from './cjs.cjs';\nexport const both = join('a', cjs.join('b', 'c'));\nexport default 'esm-default';\n",
      'lib/typed.ts':
        "import data from './data.json';\nexport const name: string = data.name;\nexport enum Color { Red = 'red' }\nexport const url = import.meta.url;\n",
      'lib/data.json': '{ "name": "from json" }',
      'lib/index.js': 'exports.fromIndex = true;\n',
      'test/mix.test.mjs': [
        "import test from 'node:test';",
        "import { strict as assert } from 'node:assert';",
        "import { createRequire } from 'node:module';",
        "import esmDefault, { both } from '../lib/esm.mjs';",
        "import { name, Color, url } from '../lib/typed.ts';",
        'const require = createRequire(import.meta.url);',
        "test('esm sees cjs', () => { assert.equal(both, 'a/b/c'); assert.equal(esmDefault, 'esm-default'); });",
        "test('ts with json and enums', () => { assert.equal(name, 'from json'); assert.equal(Color.Red, 'red'); assert.equal(url, 'file:///project/lib/typed.ts'); });",
        "test('require from esm through createRequire', () => { assert.equal(require('../lib').fromIndex, true); assert.equal(require('../lib/cjs.cjs').dir, '/project/lib'); });",
        "test('dynamic import', async () => { const ns = await import('../lib/esm.mjs'); assert.equal(ns.default, 'esm-default'); });",
        "test('top-level await worked', () => assert.equal(awaited, 42));",
        'const awaited = await Promise.resolve(42);',
      ].join('\n'),
      'test/plain.test.js':
        "const test = require('node:test');\nconst assert = require('assert');\ntest('cjs test file', () => { assert.strictEqual(typeof module.exports, 'object'); assert.ok(Buffer.from('x')); });\n",
    });
    expect(report.cases.filter((item) => item.status !== 'pass')).toEqual([]);
    expect(report.counts.pass).toBe(6);
  });

  test('a missing npm package makes the run not runnable and names it', async () => {
    const { report } = await runFiles({
      'package.json': JSON.stringify({ type: 'module', dependencies: { 'left-pad': '^1.0.0' } }),
      'test/pad.test.js':
        "import test from 'node:test';\nimport leftPad from 'left-pad';\ntest('pads', () => leftPad('a', 3));\n",
      'test/other.test.js': "import test from 'node:test';\ntest('other', () => {});\n",
    });
    expect(report.outcome).toBe('not-runnable');
    expect(report.reason).toBe("The tests need the npm package 'left-pad', which is not installed in the sandbox.");
    expect(report.files.find((file) => file.file === 'test/pad.test.js')?.status).toBe('error');
    expect(report.counts.pass).toBe(1);
  });

  test('a test script for another runner is not runnable', async () => {
    const { report } = await runFiles({
      'package.json': JSON.stringify({ scripts: { test: 'jest --coverage' } }),
      'a.test.js': "test('x', () => {});",
    });
    expect(report).toMatchObject({ outcome: 'not-runnable', command: 'jest --coverage' });
    expect(report.reason).toContain('jest');
  });
});

describe('node:test semantics', () => {
  test('describe nesting names cases with their suites, and hooks run in Node order', async () => {
    const { report } = await runFiles({
      'test/order.test.js': [
        "const { describe, it, test, before, after, beforeEach, afterEach } = require('node:test');",
        "const assert = require('node:assert');",
        'const log = [];',
        "before(() => log.push('root before'));",
        "beforeEach(() => log.push('root beforeEach'));",
        "afterEach(() => log.push('root afterEach'));",
        "describe('outer', () => {",
        "  before(() => log.push('outer before'));",
        "  beforeEach(() => log.push('outer beforeEach'));",
        "  afterEach(() => log.push('outer afterEach'));",
        "  after(() => log.push('outer after'));",
        "  it('one', () => log.push('one'));",
        "  describe('inner', () => {",
        "    beforeEach(() => log.push('inner beforeEach'));",
        "    afterEach(() => log.push('inner afterEach'));",
        "    it('two', async () => { await new Promise((r) => setTimeout(r, 5)); log.push('two'); });",
        '  });',
        '});',
        "test('subtests', async (t) => {",
        "  await t.test('first', () => log.push('first'));",
        "  t.test('second', () => log.push('second'));",
        '});',
        "test('log', () => assert.deepStrictEqual(log, ['root before', 'outer before', 'root beforeEach', 'outer beforeEach', 'one', 'outer afterEach', 'root afterEach', 'root beforeEach', 'outer beforeEach', 'inner beforeEach', 'two', 'inner afterEach', 'outer afterEach', 'root afterEach', 'outer after', 'root beforeEach', 'root beforeEach', 'first', 'root afterEach', 'root beforeEach', 'second', 'root afterEach', 'root afterEach', 'root beforeEach']));",
        "test.skip('skipped', () => { throw new Error('never'); });",
        "test('todo', { todo: 'later' }, () => { throw new Error('not yet'); });",
        "test('t.skip', (t) => t.skip('no'));",
        "test('callback style', (t, done) => setTimeout(done, 1));",
      ].join('\n'),
    });
    expect(report.cases.map((item) => `${item.name.join(' > ')}: ${item.status}`)).toEqual([
      'outer > one: pass',
      'outer > inner > two: pass',
      'subtests > first: pass',
      'subtests > second: pass',
      'subtests: pass',
      'log: pass',
      'skipped: skip',
      'todo: todo',
      't.skip: skip',
      'callback style: pass',
    ]);
    expect(report.counts).toEqual({ pass: 7, fail: 0, error: 0, skip: 2, todo: 1 });
  });

  test('a failing hook is an error of the tests it guards', async () => {
    const { report } = await runFiles({
      'test/hooks.test.js': [
        "const { describe, it, beforeEach } = require('node:test');",
        "describe('guarded', () => {",
        "  beforeEach(() => { throw new Error('no database'); });",
        "  it('a', () => {});",
        '});',
        "it('free', () => {});",
      ].join('\n'),
    });
    expect(caseNamed(report, 'guarded > a')).toMatchObject({
      status: 'error',
      message: 'beforeEach hook failed: no database',
    });
    expect(caseNamed(report, 'free')?.status).toBe('pass');
  });

  test('an error thrown by a timer after its test finished is reported, not lost', async () => {
    const { report } = await runFiles({
      'test/late.test.js': [
        "const { test } = require('node:test');",
        "test('finishes early', () => { setTimeout(() => { throw new Error('late boom'); }, 20); });",
        "test('next', () => new Promise((resolve) => setTimeout(resolve, 50)));",
      ].join('\n'),
    });
    expect(caseNamed(report, 'finishes early')?.status).toBe('pass');
    const late = caseNamed(report, 'finishes early > asynchronous activity after the test ended');
    expect(late?.status).toBe('error');
    expect(late?.message).toContain('late boom');
    expect(late?.location).toMatchObject({ path: 'test/late.test.js', line: 2 });
    expect(report.counts.error).toBe(1);
    expect(report.files[0]?.status).toBe('fail');
  });

  test('an error thrown by a timer while its test waits fails that test', async () => {
    const { report } = await runFiles({
      'test/timer.test.js':
        "const { test } = require('node:test');\ntest('waits', () => new Promise(() => { setTimeout(() => { throw new TypeError('inside'); }, 5); }));\n",
    });
    expect(caseNamed(report, 'waits')).toMatchObject({ status: 'fail', message: 'TypeError: inside' });
  });

  test('a promise that can never settle ends its test instead of hanging', async () => {
    const { report } = await runFiles({
      'test/hang.test.js':
        "const { test } = require('node:test');\ntest('hangs', () => new Promise(() => {}));\ntest('after', () => {});\n",
    });
    expect(caseNamed(report, 'hangs')).toMatchObject({
      status: 'error',
      message: 'Promise resolution is still pending but the event loop has already resolved',
    });
    expect(caseNamed(report, 'after')?.status).toBe('pass');
  });

  test('output is captured from console and process streams, in order', async () => {
    const { report, progress } = await runFiles({
      'test/out.test.js': [
        "const { test } = require('node:test');",
        "console.log('loaded %s', 'file', { a: [1, 2] });",
        "test('writes', () => { process.stdout.write('raw out\\n'); console.error(new Map([[1, 'x']])); console.warn('warned'); });",
      ].join('\n'),
    });
    expect(report.output).toBe("loaded file { a: [ 1, 2 ] }\nraw out\nMap(1) { 1 => 'x' }\nwarned\n");
    const streamed = progress.flatMap((item) => (item.type === 'output' ? [`${item.stream}:${item.text}`] : []));
    expect(streamed.join('')).toContain('stderr:Map(1)');
  });

  test('output is capped, keeping its start and end', async () => {
    const { report } = await runFiles({
      'test/loud.test.js':
        "const { test } = require('node:test');\ntest('loud', () => { for (let i = 0; i < 40000; i++) console.log('line ' + i + ' ' + 'x'.repeat(20)); });\n",
    });
    expect(report.output.length).toBeLessThan(300 * 1024);
    expect(report.output).toContain('line 0 ');
    expect(report.output).toContain('line 39999 ');
    expect(report.output).toMatch(/characters of output cut/);
  });

  test('hostile names are data', async () => {
    const { report } = await runFiles({
      '__proto__.test.js':
        "const { test, describe } = require('node:test');\ndescribe('constructor', () => { test('__proto__', () => {}); test('hasOwnProperty', () => { throw new Error('toString'); }); });\n",
      'test/constructor.test.js': "require('node:test')('prototype', () => {});\n",
    });
    expect(report.files.map((file) => file.file).sort()).toEqual(['__proto__.test.js', 'test/constructor.test.js']);
    expect(report.cases.map((item) => item.name)).toEqual([
      ['constructor', '__proto__'],
      ['constructor', 'hasOwnProperty'],
      ['prototype'],
    ]);
    expect(report.counts).toEqual({ pass: 2, fail: 1, error: 0, skip: 0, todo: 0 });
  });

  test('process.exit with a failure code fails the file', async () => {
    const { report } = await runFiles({
      'test/exit.test.js':
        "const { test } = require('node:test');\ntest('exits', () => { process.exit(3); });\ntest('never', () => {});\n",
    });
    expect(report.files[0]).toMatchObject({ status: 'error', message: 'process.exit(3) was called' });
    expect(caseNamed(report, 'never')).toBeUndefined();
  });

  test('mock functions and methods record calls and restore', async () => {
    const { report } = await runFiles({
      'test/mock.test.mjs': [
        "import { test, mock } from 'node:test';",
        "import assert from 'node:assert/strict';",
        'const api = { get: (x) => x * 2 };',
        "test('t.mock.method restores after the test', (t) => {",
        '  const spy = t.mock.method(api, "get", (x) => x + 1);',
        '  assert.equal(api.get(1), 2);',
        '  assert.equal(spy.mock.callCount(), 1);',
        '  assert.deepEqual(spy.mock.calls[0].arguments, [1]);',
        '});',
        "test('restored', () => assert.equal(api.get(2), 4));",
        "test('mock.fn', () => { const fn = mock.fn(() => 'a'); fn.mock.mockImplementationOnce(() => 'b'); assert.equal(fn(), 'b'); assert.equal(fn(), 'a'); });",
        "test('t.assert', (t) => t.assert.deepStrictEqual({ a: 1 }, { a: 1 }));",
      ].join('\n'),
    });
    expect(report.cases.filter((item) => item.status !== 'pass')).toEqual([]);
    expect(report.counts.pass).toBe(4);
  });
});

describe('fs, http and the network', () => {
  test('fs works over the project files and writes stay in memory', async () => {
    const { report } = await runFiles({
      'package.json': pkg,
      'data/in.txt': 'hello',
      'test/fs.test.js': [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import fs from 'node:fs';",
        "import { readFile, writeFile, mkdir, readdir, rm } from 'node:fs/promises';",
        "import path from 'node:path';",
        "test('reads, writes, lists, removes', async () => {",
        "  assert.equal(fs.readFileSync('data/in.txt', 'utf8'), 'hello');",
        "  await mkdir('out/deep', { recursive: true });",
        "  await writeFile(path.join('out', 'deep', 'a.txt'), 'A');",
        "  assert.deepEqual(await readdir('out', { recursive: true }), ['deep', 'deep/a.txt']);",
        "  assert.equal((await readFile(new URL('../out/deep/a.txt', import.meta.url))).toString(), 'A');",
        "  await assert.rejects(readFile('missing.txt'), { code: 'ENOENT', message: \"ENOENT: no such file or directory, open '/project/missing.txt'\" });",
        "  await rm('out', { recursive: true });",
        "  assert.equal(fs.existsSync('out'), false);",
        "  assert.equal(fs.statSync('data').isDirectory(), true);",
        '});',
      ].join('\n'),
    });
    expect(report.cases.filter((item) => item.status !== 'pass')).toEqual([]);
  });

  test('fetch reaches the servers a test starts, and nothing else', async () => {
    const { report } = await runFiles({
      'package.json': pkg,
      'test/http.test.js': [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import http from 'node:http';",
        "test('loopback', async () => {",
        '  const server = http.createServer(async (req, res) => {',
        "    let body = '';",
        '    for await (const chunk of req) body += chunk;',
        "    res.setHeader('x-method', req.method);",
        "    res.writeHead(201, { 'content-type': 'text/plain' });",
        "    res.write('got ');",
        "    res.end(body + ' at ' + req.url);",
        '  });',
        "  await new Promise((resolve) => server.listen(0, 'localhost', resolve));",
        '  const { port } = server.address();',
        "  const response = await fetch(`http://localhost:${port}/echo?x=1`, { method: 'PUT', body: 'hi' });",
        '  assert.equal(response.status, 201);',
        "  assert.equal(response.headers.get('x-method'), 'PUT');",
        "  assert.equal(await response.text(), 'got hi at /echo?x=1');",
        '  await new Promise((resolve) => server.close(resolve));',
        "  await assert.rejects(fetch(`http://127.0.0.1:${port}/`), { message: 'fetch failed' });",
        '});',
        "test('no network', async () => {",
        "  await assert.rejects(fetch('https://example.com/'), /no network in the sandbox/);",
        "  await assert.rejects(globalThis.fetch('http://10.0.0.1:80/'), /no network in the sandbox/);",
        '});',
      ].join('\n'),
    });
    expect(report.cases.filter((item) => item.status !== 'pass')).toEqual([]);
    expect(report.counts.pass).toBe(2);
  });
});
