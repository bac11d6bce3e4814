/**
 * Installing a project's npm dependencies for a test run, against the fixture registry
 * (tests/sim/npm-registry.ts, packages authored in tests/fixtures/npm/): versions resolved
 * from metadata, archives verified and unpacked, the node_modules tree run by the sandbox's
 * runtime; and every way an install is blocked names the dependency that blocked it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { declaredDependencies } from '../../../worker/checks/npm/declared.ts';
import { type InstallOptions, checkCached, installDependencies } from '../../../worker/checks/npm/install.ts';
import { type PackageCache, createMemoryPackageCache } from '../../../worker/checks/npm/package-cache.ts';
import { type NpmRegistry, startNpmRegistry } from '../../sim/npm-registry.ts';
import { runFiles } from '../sandbox/node/helpers.ts';

let registry: NpmRegistry;
beforeAll(async () => {
  registry = await startNpmRegistry();
});
afterAll(() => registry.stop());

const manifest = (dependencies: Record<string, string>, devDependencies: Record<string, string> = {}) =>
  JSON.stringify({ name: 'project', type: 'module', scripts: { test: 'node --test' }, dependencies, devDependencies });

function options(overrides: Partial<InstallOptions> = {}): InstallOptions {
  return {
    registry: registry.url,
    fetch: globalThis.fetch,
    cache: createMemoryPackageCache(),
    allowNetwork: true,
    ...overrides,
  };
}

async function install(dependencies: Record<string, string>, overrides: Partial<InstallOptions> = {}) {
  return installDependencies(declaredDependencies(manifest(dependencies)), options(overrides));
}

const projectTests = {
  'test/esm.test.js': [
    "import test from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { greet, format } from 'esm-greet';",
    "import color from 'tiny-color';",
    "import sum from 'cjs-sum';",
    "test('an ES module package with its dependency', () => {",
    "  assert.equal(format, 'esm');",
    "  assert.equal(greet('ada'), '<red>HELLO ADA</red>');",
    "  assert.equal(color.version, '1.0.0');",
    '});',
    "test('a CommonJS package sees its own nested version', async () => {",
    '  assert.equal(sum(1, 2, 3), 6);',
    "  assert.equal(sum.label, 'scoped 1.0.0');",
    "  assert.equal(await sum.colorVersion(), '2.0.0');",
    '});',
  ].join('\n'),
  'test/cjs.test.cjs': [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const { greet, format } = require('esm-greet');",
    "test('require takes the require condition', () => {",
    "  assert.equal(format, 'cjs');",
    "  assert.equal(greet('bo'), '<red>HELLO BO</red>');",
    '});',
  ].join('\n'),
};

describe('an install', () => {
  test('resolves ranges, lays out node_modules as npm does, and the suite runs over it (ESM and CJS)', async () => {
    const dependencies = { 'esm-greet': '^1.0.0', 'cjs-sum': '1.0.0', 'tiny-color': '~1.0.0' };
    const result = await install(dependencies);
    if (!result.ok) throw new Error(result.reason);
    expect(result.packages.map((item) => `${item.location}@${item.version}`)).toEqual([
      'node_modules/@fixture/scoped@1.0.0',
      'node_modules/cjs-sum@1.0.0',
      'node_modules/cjs-sum/node_modules/tiny-color@2.0.0',
      'node_modules/esm-greet@1.2.0',
      'node_modules/tiny-color@1.0.0',
    ]);
    for (const item of result.packages) expect(item.integrity).toMatch(/^sha512-/);
    expect(result.files.map((file) => file.path)).toContain('node_modules/esm-greet/src/shout.js');
    const { report } = await runFiles([
      { path: 'package.json', content: manifest(dependencies) },
      ...Object.entries(projectTests).map(([path, content]) => ({ path, content })),
      ...result.files,
    ]);
    expect(report.cases.map((item) => [item.name.join(' > '), item.status, item.message])).toEqual([
      ['require takes the require condition', 'pass', undefined],
      ['an ES module package with its dependency', 'pass', undefined],
      ['a CommonJS package sees its own nested version', 'pass', undefined],
    ]);
    expect(report.outcome).toBe('completed');
  });

  test('offline, each cached archive is read once by the install and not at all by the check', async () => {
    const dependencies = { 'esm-greet': '^1.0.0', 'cjs-sum': '1.0.0' };
    const cache = createMemoryPackageCache();
    const online = await install(dependencies, { cache });
    expect(online.ok).toBe(true);
    const reads: string[] = [];
    const counted: PackageCache = {
      ...cache,
      getTarball(name, version, integrity) {
        reads.push(`${name}@${version}`);
        return cache.getTarball(name, version, integrity);
      },
    };
    const declared = declaredDependencies(manifest(dependencies));
    expect(await checkCached(declared, { registry: registry.url, fetch: globalThis.fetch, cache: counted })).toEqual({
      ok: true,
    });
    expect(reads).toEqual([]);
    const offline = await install(dependencies, { cache: counted, allowNetwork: false });
    if (!offline.ok) throw new Error(offline.reason);
    expect(offline.packages.every((item) => item.fromCache)).toBe(true);
    expect(reads.sort()).toEqual(offline.packages.map((item) => `${item.name}@${item.version}`).sort());
  });

  test("takes the registry's latest when it fits, else the highest version that does", async () => {
    const latest = await install({ 'tiny-color': '*' });
    const highestOne = await install({ 'tiny-color': '^1.0.0' });
    expect(latest.ok && latest.packages[0]?.version).toBe('2.0.0');
    expect(highestOne.ok && highestOne.packages[0]?.version).toBe('1.1.0');
  });
});

describe('what an install never does', () => {
  test('install scripts are not run and bin commands are not linked, and the notes say so', async () => {
    const result = await install({ 'with-scripts': '1.0.0', 'tiny-color': '1.0.0' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.notes).toEqual([
      "'with-scripts@1.0.0' declares an install script (postinstall: node build.js); it was not run: the tab never runs install scripts, so whatever it would build or download is missing.",
      "'with-scripts@1.0.0' declares commands (with-scripts, ws-build); they were not linked into node_modules/.bin, and nothing runs them: the tests can import the package, not call its commands.",
    ]);
    const paths = result.files.map((file) => file.path);
    expect(paths).toContain('node_modules/with-scripts/build.js');
    expect(paths.filter((path) => path.includes('.bin/') || path.endsWith('built.json'))).toEqual([]);
    // The package itself installs and imports: only what its script would have made is missing.
    const { report } = await runFiles([
      { path: 'package.json', content: manifest({ 'with-scripts': '1.0.0' }) },
      {
        path: 'test/built.test.js',
        content: [
          "import test from 'node:test';",
          "import assert from 'node:assert/strict';",
          "import scripts from 'with-scripts';",
          "test('the postinstall never ran', () => assert.equal(scripts.built, false));",
        ].join('\n'),
      },
      ...result.files,
    ]);
    expect(report.cases.map((item) => item.status)).toEqual(['pass']);
  });
});

describe('blocked installs name the dependency', () => {
  test('an archive that does not match its integrity is refused, and nothing is installed or cached', async () => {
    const cache = createMemoryPackageCache();
    const result = await install({ 'tiny-color': '1.0.0', 'bad-integrity': '^1.0.0' }, { cache });
    expect(result).toMatchObject({ ok: false, blockedBy: 'bad-integrity', kind: 'refused' });
    expect(!result.ok && result.reason).toMatch(
      /^'bad-integrity@1\.0\.0' was refused: the downloaded archive does not match the integrity the registry lists \(sha512-.+\)\. Nothing of it was installed\.$/,
    );
    const published = `sha512-${Buffer.from(await crypto.subtle.digest('SHA-512', new TextEncoder().encode('the archive that was published'))).toString('base64')}`;
    expect(await cache.getTarball('bad-integrity', '1.0.0', published)).toBeUndefined();
  });

  test('a package the registry does not have, and a version it does not have', async () => {
    expect(await install({ 'no-such-package': '^1.0.0' })).toMatchObject({
      ok: false,
      blockedBy: 'no-such-package',
      kind: 'not-found',
      reason: `The npm package 'no-such-package' does not exist on ${new URL(registry.url).host}.`,
    });
    expect(await install({ 'tiny-color': '^3.0.0' })).toMatchObject({
      ok: false,
      blockedBy: 'tiny-color',
      kind: 'no-matching-version',
      reason: `No version of the npm package 'tiny-color' on ${new URL(registry.url).host} matches '^3.0.0'; the latest is 2.0.0.`,
    });
  });

  test('a missing dependency of a dependency says who needs it', async () => {
    const result = await installDependencies(
      [{ name: 'esm-greet', spec: '1.2.0', optional: false }],
      options({ cache: createMemoryPackageCache(), allowNetwork: false }),
    );
    expect(result).toMatchObject({ ok: false, blockedBy: 'esm-greet', kind: 'needs-consent' });
  });

  test('declined consent: nothing goes on the network, and the run is blocked by the first uncached package', async () => {
    const before = registry.requests.length;
    const result = await install({ 'esm-greet': '^1.0.0' }, { allowNetwork: false });
    expect(registry.requests.length).toBe(before);
    expect(result).toEqual({
      ok: false,
      blockedBy: 'esm-greet',
      kind: 'needs-consent',
      reason: `The tests need the npm package 'esm-greet', which is not in this device's package cache, and downloads from ${new URL(registry.url).host} were not allowed for this run.`,
    });
  });

  test('git, URL and path dependencies cannot be installed in the tab, and say so', async () => {
    expect(await install({ 'tiny-color': '1.0.0', mine: 'github:someone/mine' })).toMatchObject({
      ok: false,
      blockedBy: 'mine',
      kind: 'unsupported-spec',
      reason:
        "The npm package 'mine' is declared as 'github:someone/mine', a Git repository, which cannot be installed in the tab: only versions from the registry can.",
    });
    expect(await install({ local: 'file:../local' })).toMatchObject({ blockedBy: 'local', kind: 'unsupported-spec' });
  });
});

describe('the cache', () => {
  test('offline with everything cached: the same tree, no request, nothing downloaded', async () => {
    const cache = createMemoryPackageCache();
    const online = await install({ 'esm-greet': '^1.0.0', 'cjs-sum': '1.0.0' }, { cache });
    if (!online.ok) throw new Error(online.reason);
    expect(online.packages.every((item) => !item.fromCache)).toBe(true);
    const before = registry.requests.length;
    const offline = await install({ 'esm-greet': '^1.0.0', 'cjs-sum': '1.0.0' }, { cache, allowNetwork: false });
    if (!offline.ok) throw new Error(offline.reason);
    expect(registry.requests.length).toBe(before);
    expect(offline.packages.every((item) => item.fromCache)).toBe(true);
    expect(offline.files).toEqual(online.files);
  });

  test('allowed but the network is down: a cached package still installs, an uncached one is named', async () => {
    const cache = createMemoryPackageCache();
    const warm = await install({ 'tiny-color': '1.0.0' }, { cache });
    expect(warm.ok).toBe(true);
    registry.setOnline(false);
    try {
      const hit = await install({ 'tiny-color': '1.0.0' }, { cache });
      expect(hit.ok && hit.packages[0]?.fromCache).toBe(true);
      const miss = await install({ 'tiny-color': '1.0.0', '@fixture/scoped': '^1.0.0' }, { cache });
      expect(miss).toMatchObject({ ok: false, blockedBy: '@fixture/scoped', kind: 'offline' });
      expect(!miss.ok && miss.reason).toMatch(
        /^The npm package '@fixture\/scoped' could not be downloaded: 127\.0\.0\.1:\d+ could not be reached \(.+\), and it is not in this device's package cache\.$/,
      );
    } finally {
      registry.setOnline(true);
    }
  });

  test('offline, the newest cached version that fits is taken, not the registry’s newest', async () => {
    const cache = createMemoryPackageCache();
    await install({ 'tiny-color': '1.0.0' }, { cache });
    await install({ 'tiny-color': '2.0.0' }, { cache });
    const offline = await install({ 'tiny-color': '^1.0.0' }, { cache, allowNetwork: false });
    expect(offline.ok && offline.packages[0]?.version).toBe('1.0.0');
  });
});

describe('hostile archives', () => {
  test('an entry that climbs out of the package refuses the whole package', async () => {
    const result = await install({ 'evil-traversal': '1.0.0' });
    expect(result).toMatchObject({ ok: false, blockedBy: 'evil-traversal', kind: 'refused' });
    expect(!result.ok && result.reason).toBe(
      "'evil-traversal@1.0.0' was refused: its archive has an entry outside the package ('package/../../../project/test/planted.test.js').",
    );
  });

  test('an absolute path refuses the whole package', async () => {
    const result = await install({ 'evil-absolute': '1.0.0' });
    expect(result).toMatchObject({ ok: false, blockedBy: 'evil-absolute', kind: 'refused' });
    expect(!result.ok && result.reason).toContain('its archive has an absolute path');
  });

  test('links are left out, as npm leaves them out, and said so', async () => {
    const result = await install({ 'evil-link': '1.0.0' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.files.map((file) => file.path)).toEqual([
      'node_modules/evil-link/index.js',
      'node_modules/evil-link/package.json',
    ]);
    expect(result.notes).toEqual([
      "'evil-link@1.0.0': secret.js (a link, not installed)",
      "'evil-link@1.0.0': hard.js (a link, not installed)",
    ]);
  });

  test('an archive that unpacks past the cap is refused before it fills memory', async () => {
    const result = await install({ 'evil-bomb': '1.0.0' }, { limits: { maxUnpackedBytes: 4 * 1024 * 1024 } });
    expect(result).toEqual({
      ok: false,
      blockedBy: 'evil-bomb',
      kind: 'refused',
      reason: "'evil-bomb@1.0.0' was refused: it unpacks to more than 4 MB.",
    });
    const download = await install({ 'evil-bomb': '1.0.0' }, { limits: { maxTarballBytes: 1024 } });
    expect(!download.ok && download.reason).toBe("'evil-bomb@1.0.0' was refused: its archive is larger than 0 MB.");
  });
});

test('generated code still has no network: the installed suite reaches no registry', async () => {
  const result = await install({ 'tiny-color': '1.0.0' });
  if (!result.ok) throw new Error(result.reason);
  const before = registry.requests.length;
  const { report } = await runFiles([
    { path: 'package.json', content: manifest({ 'tiny-color': '1.0.0' }) },
    {
      path: 'test/fetch.test.js',
      content: [
        "import test from 'node:test';",
        "import assert from 'node:assert/strict';",
        // The fixture registry is on loopback: the sandbox only reaches servers the test started.
        `test('the fixture registry', async () => { await assert.rejects(fetch(${JSON.stringify(`${registry.url}/tiny-color`)}), /fetch failed/); });`,
        "test('the public registry', async () => { await assert.rejects(fetch('https://registry.npmjs.org/tiny-color'), /no network in the sandbox/); });",
      ].join('\n'),
    },
    ...result.files,
  ]);
  expect(report.cases.map((item) => [item.status, item.message])).toEqual([
    ['pass', undefined],
    ['pass', undefined],
  ]);
  expect(registry.requests.length).toBe(before);
});
