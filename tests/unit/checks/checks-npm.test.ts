/**
 * A project that declares npm packages, run by the checks service as the app runs it: the
 * engine installs the packages (from the fixture registry, only when allowed for the run,
 * else from the device's cache) and hands the node_modules tree to the sandbox's runtime
 * with the project's files; a run that lacks a package is recorded as not runnable, naming
 * it, and never as passed.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, test } from 'vitest';
import runtime from '../../../sandbox/node/index.ts';
import { exportProjectZip } from '../../../worker/artifacts/project-export.ts';
import { type CheckExecutor, ChecksService } from '../../../worker/checks/checks-service.ts';
import type { CheckRequest } from '../../../worker/checks/contract.ts';
import { createNpmInstaller } from '../../../worker/checks/dependency-installer.ts';
import { type PackageCache, createMemoryPackageCache } from '../../../worker/checks/npm/package-cache.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { MemoryEventLog } from '../../../worker/events/store/memory-store.ts';
import { type NpmRegistry, startNpmRegistry } from '../../sim/npm-registry.ts';

let registry: NpmRegistry;
beforeAll(async () => {
  registry = await startNpmRegistry();
});
afterAll(() => registry.stop());

const projectFiles: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'greeter',
    type: 'module',
    scripts: { test: 'node --test' },
    dependencies: { 'esm-greet': '^1.2.0' },
    devDependencies: { 'cjs-sum': '^1.0.0' },
  }),
  'src/hello.js': "import { greet } from 'esm-greet';\nexport const hello = () => greet('you');\n",
  'test/hello.test.js': [
    "import test from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import sum from 'cjs-sum';",
    "import { hello } from '../src/hello.js';",
    "test('greets', () => assert.equal(hello(), '<red>HELLO YOU</red>'));",
    "test('sums', () => assert.equal(sum(2, 3), 5));",
  ].join('\n'),
};

async function project(store: MemoryEventLog, projectId: string, files: Record<string, string> = projectFiles) {
  await store.append(projectId, [
    {
      type: 'project-create',
      actor: { kind: 'user' },
      payload: { name: 'Greeter', description: 'd', template: null, budgetUsd: null },
    },
  ]);
  const blobs = await Promise.all(
    Object.entries(files).map(async ([path, content]) => ({ path, content, hash: await sha256Hex(content) })),
  );
  await store.append(
    projectId,
    blobs.map((blob) => ({
      type: 'artifact-create' as const,
      actor: { kind: 'user' as const },
      payload: {
        path: blob.path,
        kind: 'source' as const,
        language: 'javascript',
        contentHash: blob.hash,
        size: blob.content.length,
        provenance: { source: 'user' as const },
      },
    })),
    { blobs: blobs.map(({ hash, content }) => ({ hash, content })) },
  );
}

/** The service with the node runtime as its sandbox, and the installer on the fixture registry. */
function service(store: MemoryEventLog, cache: PackageCache) {
  const requests: CheckRequest[] = [];
  const installing: (string | null)[] = [];
  const executor: CheckExecutor = {
    run(_projectId, request) {
      requests.push(request);
      return runtime.run(request, new Map(), () => undefined);
    },
    stop: () => undefined,
    installing: (_projectId, detail) => installing.push(detail),
  };
  const checks = new ChecksService(store);
  checks.setExecutor(executor);
  checks.setInstaller(
    createNpmInstaller({
      registry: () => Promise.resolve(registry.url),
      fetch: globalThis.fetch,
      cache: () => Promise.resolve(cache),
    }),
  );
  return { checks, requests, installing };
}

const lastResult = async (store: MemoryEventLog, projectId: string) => {
  const result = (await store.read(projectId)).findLast((event) => event.type === 'check-result');
  if (result?.type !== 'check-result') throw new Error('no check-result');
  return result.payload;
};

test('declined, then allowed, then offline: blocked naming the package, installed and run, run from the cache', async () => {
  const store = new MemoryEventLog();
  const projectId = 'npm-project';
  await project(store, projectId);
  const cache = createMemoryPackageCache();
  const { checks, requests, installing } = service(store, cache);
  const host = new URL(registry.url).host;

  // Before any run the panel asks: the packages are not on this device.
  expect(await checks.dependencyNeeds(projectId)).toEqual({
    registry: host,
    packages: [
      { name: 'cjs-sum', spec: '^1.0.0' },
      { name: 'esm-greet', spec: '^1.2.0' },
    ],
    unsupported: [],
    cached: false,
    needsConsent: true,
    reason: `The tests need the npm package 'cjs-sum', which is not in this device's package cache, and downloads from ${host} were not allowed for this run.`,
  });

  // Run tests without allowing downloads: nothing reaches the registry or the sandbox.
  const before = registry.requests.length;
  await checks.run(projectId, { trigger: 'manual', timeoutMs: 20_000 });
  expect(registry.requests.length).toBe(before);
  expect(requests).toHaveLength(0);
  expect(await lastResult(store, projectId)).toMatchObject({
    outcome: 'not-runnable',
    reason: `The tests need the npm package 'cjs-sum', which is not in this device's package cache, and downloads from ${host} were not allowed for this run.`,
    counts: { pass: 0, fail: 0, error: 0 },
  });

  // Allowed for this run: the engine installs, the sandbox gets the tree, the suite passes.
  const allowed = await checks.run(projectId, { trigger: 'manual', timeoutMs: 20_000, allowNetwork: true });
  expect(allowed).toMatchObject({ ran: true, summary: { outcome: 'completed', counts: { pass: 2, fail: 0 } } });
  expect(requests[0]?.files.filter((file) => file.path.startsWith('node_modules/')).length).toBeGreaterThan(5);
  expect(installing.at(-1)).toBeNull();
  expect(installing).toContain(`Installing npm packages from ${host} (5 of 5)`);
  const output = await store.blob((await lastResult(store, projectId)).outputHash ?? '');
  expect(output?.split('\n')[0]).toBe(
    `Installed 5 npm packages from ${host}: @fixture/scoped@1.0.0, cjs-sum@1.0.0, esm-greet@1.2.0, tiny-color@1.1.0, tiny-color@2.0.0`,
  );
  // The result records them too, as data: Replay and the export see what the tests ran against.
  expect((await lastResult(store, projectId)).packages).toEqual([
    { name: '@fixture/scoped', version: '1.0.0', locked: false },
    { name: 'cjs-sum', version: '1.0.0', locked: false },
    { name: 'esm-greet', version: '1.2.0', locked: false },
    { name: 'tiny-color', version: '1.1.0', locked: false },
    { name: 'tiny-color', version: '2.0.0', locked: false },
  ]);

  // Now the device has them: the panel does not ask, and a run needs no network at all.
  expect(await checks.dependencyNeeds(projectId)).toMatchObject({ cached: true });
  registry.setOnline(false);
  try {
    const offline = await checks.run(projectId, { trigger: 'final', timeoutMs: 20_000 });
    expect(offline).toMatchObject({ ran: true, summary: { outcome: 'completed', counts: { pass: 2 } } });
    expect((await store.blob((await lastResult(store, projectId)).outputHash ?? ''))?.split('\n')[0]).toContain(
      "(all from this device's cache)",
    );
  } finally {
    registry.setOnline(true);
  }
});

test('a Git dependency blocks the run, and the panel is told downloads would not help', async () => {
  const store = new MemoryEventLog();
  const projectId = 'git-dependency';
  const manifest = JSON.parse(projectFiles['package.json'] ?? '{}') as Record<string, unknown>;
  await project(store, projectId, {
    ...projectFiles,
    'package.json': JSON.stringify({
      ...manifest,
      dependencies: { 'esm-greet': '^1.2.0', mine: 'github:someone/mine' },
    }),
  });
  const { checks } = service(store, createMemoryPackageCache());
  const before = registry.requests.length;
  expect(await checks.dependencyNeeds(projectId)).toMatchObject({
    packages: [
      { name: 'cjs-sum', spec: '^1.0.0' },
      { name: 'esm-greet', spec: '^1.2.0' },
    ],
    unsupported: [{ name: 'mine', spec: 'github:someone/mine', why: 'a Git repository' }],
    cached: false,
    needsConsent: false,
    reason:
      "The npm package 'mine' is declared as 'github:someone/mine', a Git repository, which cannot be installed in the tab: only versions from the registry can.",
  });
  expect(registry.requests.length).toBe(before);
});

test("a project's package-lock.json pins what is installed, and the output says what was not run", async () => {
  const store = new MemoryEventLog();
  const projectId = 'locked-project';
  const tinyColor = (await (await fetch(`${registry.url}/tiny-color`)).json()) as {
    versions: Record<string, { dist: { integrity: string } }>;
  };
  const lockfile = JSON.stringify({
    name: 'greeter',
    lockfileVersion: 3,
    packages: {
      '': { name: 'greeter', dependencies: { 'tiny-color': '^1.0.0', 'with-scripts': '^1.0.0' } },
      'node_modules/tiny-color': {
        version: '1.0.0',
        resolved: 'https://registry.npmjs.org/tiny-color/-/tiny-color-1.0.0.tgz',
        integrity: tinyColor.versions['1.0.0']?.dist.integrity,
      },
    },
  });
  await project(store, projectId, {
    'package.json': JSON.stringify({
      name: 'greeter',
      scripts: { test: 'node --test' },
      dependencies: { 'tiny-color': '^1.0.0', 'with-scripts': '^1.0.0' },
    }),
    'package-lock.json': lockfile,
    'test/color.test.js': [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "test('the locked version', () => assert.equal(require('tiny-color/package.json').version, '1.0.0'));",
    ].join('\n'),
  });
  const { checks } = service(store, createMemoryPackageCache());
  const run = await checks.run(projectId, { trigger: 'manual', timeoutMs: 20_000, allowNetwork: true });
  expect(run).toMatchObject({ ran: true, summary: { outcome: 'completed', counts: { pass: 1, fail: 0 } } });
  const output = (await store.blob((await lastResult(store, projectId)).outputHash ?? '')) ?? '';
  const host = new URL(registry.url).host;
  expect(output.split('\n').slice(0, 4)).toEqual([
    `Installed 2 npm packages from ${host}: tiny-color@1.0.0, with-scripts@1.0.0`,
    'From package-lock.json: 1 of 2 packages at their locked versions; resolved afresh, as the lock does not cover them: with-scripts@1.0.0.',
    "'with-scripts@1.0.0' declares an install script (postinstall: node build.js); it was not run: the tab never runs install scripts, so whatever it would build or download is missing.",
    "'with-scripts@1.0.0' declares commands (with-scripts, ws-build); they were not linked into node_modules/.bin, and nothing runs them: the tests can import the package, not call its commands.",
  ]);
  expect((await lastResult(store, projectId)).packages).toEqual([
    { name: 'tiny-color', version: '1.0.0', locked: true },
    { name: 'with-scripts', version: '1.0.0', locked: false },
  ]);
  // ORCHESTRA.md in the exported ZIP lists them under the last result and its command.
  const zip = await exportProjectZip(store, projectId);
  const record = await (
    await JSZip.loadAsync(zip?.bytes ?? new Uint8Array())
  )
    .file(/ORCHESTRA\.md$/)[0]
    ?.async('string');
  expect(record).toContain('1 of 1 test passes.');
  expect(record).toContain("Run them again on your machine, in the project's folder: `node --test`");
  expect(record).toContain('They ran against 2 npm packages');
  expect(record).toContain('- `tiny-color@1.0.0` (locked)\n- `with-scripts@1.0.0`\n');
  // The panel's question reads the lock too: what the run installed is what it checks for.
  expect(await checks.dependencyNeeds(projectId)).toMatchObject({ cached: true });

  // Settings counts what the cache holds; cleared, the panel asks again.
  const usage = await checks.packageCacheUsage();
  expect(usage?.archives).toBe(2);
  expect(usage?.bytes).toBeGreaterThan(0);
  expect(await checks.clearPackageCache()).toEqual({ archives: 0, bytes: 0 });
  expect(await checks.dependencyNeeds(projectId)).toMatchObject({ cached: false, needsConsent: true });
});

test("a project's npm-shrinkwrap.json wins over its package-lock.json, for the run and for the panel's question", async () => {
  const store = new MemoryEventLog();
  const projectId = 'shrinkwrapped-project';
  const tinyColor = (await (await fetch(`${registry.url}/tiny-color`)).json()) as {
    versions: Record<string, { dist: { integrity: string } }>;
  };
  const lockAt = (version: string) =>
    JSON.stringify({
      name: 'greeter',
      lockfileVersion: 3,
      packages: {
        '': { name: 'greeter', dependencies: { 'tiny-color': '^1.0.0' } },
        'node_modules/tiny-color': {
          version,
          resolved: `https://registry.npmjs.org/tiny-color/-/tiny-color-${version}.tgz`,
          integrity: tinyColor.versions[version]?.dist.integrity,
        },
      },
    });
  await project(store, projectId, {
    'package.json': JSON.stringify({
      name: 'greeter',
      scripts: { test: 'node --test' },
      dependencies: { 'tiny-color': '^1.0.0' },
    }),
    'npm-shrinkwrap.json': lockAt('1.0.0'),
    'package-lock.json': lockAt('1.1.0'),
    'test/color.test.js': [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "test('the shrinkwrapped version', () => assert.equal(require('tiny-color/package.json').version, '1.0.0'));",
    ].join('\n'),
  });
  const { checks } = service(store, createMemoryPackageCache());
  const run = await checks.run(projectId, { trigger: 'manual', timeoutMs: 20_000, allowNetwork: true });
  expect(run).toMatchObject({ ran: true, summary: { outcome: 'completed', counts: { pass: 1, fail: 0 } } });
  const output = (await store.blob((await lastResult(store, projectId)).outputHash ?? '')) ?? '';
  expect(output.split('\n')[1]).toBe('From npm-shrinkwrap.json: 1 of 1 packages at their locked versions.');
  expect((await lastResult(store, projectId)).packages).toEqual([
    { name: 'tiny-color', version: '1.0.0', locked: true },
  ]);
  // The question reads the same lock: 1.0.0 is cached, and 1.1.0 (package-lock.json's) is not needed.
  expect(await checks.dependencyNeeds(projectId)).toMatchObject({ cached: true });
});
