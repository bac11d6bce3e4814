/**
 * A project's package-lock.json, against the fixture registry (tests/sim/npm-registry.ts):
 * the packages it locks are installed at exactly their locked versions, each archive checked
 * against the lock's integrity (a mismatch refuses the install, saying so), with no metadata
 * asked of the registry for them; only what the lock does not cover is resolved afresh.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { declaredDependencies } from '../../../worker/checks/npm/declared.ts';
import { checkCached, installDependencies } from '../../../worker/checks/npm/install.ts';
import { readLockfile } from '../../../worker/checks/npm/lockfile.ts';
import { createMemoryPackageCache } from '../../../worker/checks/npm/package-cache.ts';
import { type LockName, projectLock } from '../../../worker/checks/npm/project-lock.ts';
import { type NpmRegistry, startNpmRegistry } from '../../sim/npm-registry.ts';

let registry: NpmRegistry;
beforeAll(async () => {
  registry = await startNpmRegistry();
});
afterAll(() => registry.stop());

interface Dist {
  integrity: string;
  shasum: string;
  tarball: string;
}

/** What the registry lists for a version: the lock a real `npm install` would write records the same. */
async function distOf(name: string, version: string): Promise<Dist> {
  const response = await fetch(`${registry.url}/${name.replace('/', '%2f')}`);
  const packument = (await response.json()) as { versions: Record<string, { dist: Dist }> };
  const dist = packument.versions[version]?.dist;
  if (!dist) throw new Error(`${name}@${version} is not in the fixture registry`);
  return dist;
}

type LockEntry = { version: string; integrity?: string; resolved?: string; dependencies?: Record<string, string> };

/** A lockfileVersion 3 lock as npm writes it (resolved on registry.npmjs.org, as a real lock would be). */
function lockText(root: Record<string, string>, packages: Record<string, LockEntry>): string {
  return JSON.stringify({
    name: 'project',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'project', version: '1.0.0', dependencies: root }, ...packages },
  });
}

async function locked(name: string, version: string, extra: Partial<LockEntry> = {}): Promise<LockEntry> {
  const dist = await distOf(name, version);
  const file = dist.tarball.slice(dist.tarball.lastIndexOf('/') + 1);
  return { version, resolved: `https://registry.npmjs.org/${name}/-/${file}`, integrity: dist.integrity, ...extra };
}

const declared = (dependencies: Record<string, string>) =>
  declaredDependencies(JSON.stringify({ name: 'project', dependencies }));

function install(
  dependencies: Record<string, string>,
  lockfile: string | undefined,
  allowNetwork = true,
  name: LockName = 'package-lock.json',
) {
  return installDependencies(declared(dependencies), {
    registry: registry.url,
    fetch: globalThis.fetch,
    cache: createMemoryPackageCache(),
    allowNetwork,
    lockfile: lockfile === undefined ? undefined : { name, text: lockfile },
  });
}

/** The paths the registry was asked for while `work` ran. */
async function requestsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const from = registry.requests.length;
  await work();
  return registry.requests.slice(from);
}

describe('with a package-lock.json', () => {
  test('the locked versions are installed, from their archives alone, even where a newer one fits', async () => {
    const dependencies = { 'esm-greet': '^1.0.0', 'tiny-color': '^1.0.0' };
    const lock = lockText(dependencies, {
      'node_modules/esm-greet': await locked('esm-greet', '1.2.0', { dependencies: { 'tiny-color': '^1.0.0' } }),
      'node_modules/tiny-color': await locked('tiny-color', '1.0.0'),
    });
    // Without the lock, ^1.0.0 takes the highest 1.x: 1.1.0.
    const fresh = await install(dependencies, undefined);
    expect(fresh.ok && fresh.packages.find((item) => item.name === 'tiny-color')?.version).toBe('1.1.0');

    let result: Awaited<ReturnType<typeof install>> | undefined;
    const asked = await requestsDuring(async () => (result = await install(dependencies, lock)));
    if (!result?.ok) throw new Error(result?.reason ?? 'no result');
    expect(result.packages.map((item) => [item.location, item.version, item.locked])).toEqual([
      ['node_modules/esm-greet', '1.2.0', true],
      ['node_modules/tiny-color', '1.0.0', true],
    ]);
    expect(result.packages.find((item) => item.name === 'tiny-color')?.integrity).toBe(
      (await distOf('tiny-color', '1.0.0')).integrity,
    );
    // The archives come from the registry in use (the lock's registry.npmjs.org is swapped for it); no metadata is read.
    expect(asked.sort()).toEqual(['/esm-greet/-/esm-greet-1.2.0.tgz', '/tiny-color/-/tiny-color-1.0.0.tgz']);
    expect(result.notes).toContain('From package-lock.json: 2 of 2 packages at their locked versions.');
  });

  test('what the lock does not cover is resolved afresh, and said so', async () => {
    const dependencies = { 'tiny-color': '^1.0.0', 'cjs-sum': '1.0.0' };
    const lock = lockText(
      { 'tiny-color': '^1.0.0' },
      { 'node_modules/tiny-color': await locked('tiny-color', '1.0.0') },
    );
    let result: Awaited<ReturnType<typeof install>> | undefined;
    const asked = await requestsDuring(async () => (result = await install(dependencies, lock)));
    if (!result?.ok) throw new Error(result?.reason ?? 'no result');
    expect(result.packages.map((item) => [item.location, item.version, item.locked])).toEqual([
      ['node_modules/@fixture/scoped', '1.0.0', false],
      ['node_modules/cjs-sum', '1.0.0', false],
      // cjs-sum needs tiny-color ^2: it nests under cjs-sum, the locked 1.0.0 stays at the top.
      ['node_modules/cjs-sum/node_modules/tiny-color', '2.0.0', false],
      ['node_modules/tiny-color', '1.0.0', true],
    ]);
    expect(asked).toContain('/cjs-sum');
    expect(result.notes).toContain(
      'From package-lock.json: 1 of 4 packages at their locked versions; resolved afresh, as the lock does not cover them: cjs-sum@1.0.0, @fixture/scoped@1.0.0, tiny-color@2.0.0.',
    );
  });

  test('an archive whose integrity differs from the lock is refused, naming it and the lock', async () => {
    const dependencies = { 'tiny-color': '^1.0.0' };
    // The lock says 1.0.0 is the archive that is really 1.1.0: what a tampered registry would serve.
    const lock = lockText(dependencies, {
      'node_modules/tiny-color': await locked('tiny-color', '1.0.0', {
        integrity: (await distOf('tiny-color', '1.1.0')).integrity,
      }),
    });
    const result = await install(dependencies, lock);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.blockedBy).toBe('tiny-color');
    expect(result.kind).toBe('refused');
    expect(result.reason).toMatch(
      /^'tiny-color@1\.0\.0' was refused: the downloaded archive does not match the integrity package-lock\.json records \(sha512-.+\)\. Nothing of it was installed\.$/,
    );
  });

  test('a locked version the project no longer accepts gives way to a fresh resolution', async () => {
    const lock = lockText(
      { 'tiny-color': '^1.0.0' },
      { 'node_modules/tiny-color': await locked('tiny-color', '1.0.0') },
    );
    const result = await install({ 'tiny-color': '^2.0.0' }, lock);
    if (!result.ok) throw new Error(result.reason);
    expect(result.packages.map((item) => [item.name, item.version, item.locked])).toEqual([
      ['tiny-color', '2.0.0', false],
    ]);
    expect(result.notes).toContain(
      "tiny-color@1.0.0 in package-lock.json does not match '^2.0.0'; it was resolved afresh.",
    );
  });

  test('a sha1-only lock entry (a package from before 2017) is checked against that sha1', async () => {
    const dependencies = { 'tiny-color': '1.0.0' };
    const { shasum } = await distOf('tiny-color', '1.0.0');
    const sha1 = `sha1-${Buffer.from(shasum, 'hex').toString('base64')}`;
    const good = await install(
      dependencies,
      lockText(dependencies, {
        'node_modules/tiny-color': await locked('tiny-color', '1.0.0', { integrity: sha1 }),
      }),
    );
    expect(good.ok && good.packages[0]?.integrity).toBe(`sha1-${shasum}`);
    const wrong = `sha1-${Buffer.from((await distOf('tiny-color', '1.1.0')).shasum, 'hex').toString('base64')}`;
    const bad = await install(
      dependencies,
      lockText(dependencies, {
        'node_modules/tiny-color': await locked('tiny-color', '1.0.0', { integrity: wrong }),
      }),
    );
    expect(bad.ok).toBe(false);
  });

  test('offline, a locked install comes from the cache, and the check agrees without reading an archive', async () => {
    const dependencies = { 'esm-greet': '^1.0.0' };
    const lock = lockText(dependencies, {
      'node_modules/esm-greet': await locked('esm-greet', '1.2.0', { dependencies: { 'tiny-color': '^1.0.0' } }),
      'node_modules/tiny-color': await locked('tiny-color', '1.0.0'),
    });
    const cache = createMemoryPackageCache();
    const options = {
      registry: registry.url,
      fetch: globalThis.fetch,
      cache,
      lockfile: { name: 'package-lock.json' as const, text: lock },
    };
    expect((await checkCached(declared(dependencies), options)).ok).toBe(false);
    const online = await installDependencies(declared(dependencies), { ...options, allowNetwork: true });
    expect(online.ok).toBe(true);
    registry.setOnline(false);
    try {
      expect(await checkCached(declared(dependencies), options)).toEqual({ ok: true });
      const offline = await installDependencies(declared(dependencies), { ...options, allowNetwork: false });
      if (!offline.ok) throw new Error(offline.reason);
      expect(offline.packages.map((item) => [item.name, item.version, item.fromCache, item.locked])).toEqual([
        ['esm-greet', '1.2.0', true, true],
        ['tiny-color', '1.0.0', true, true],
      ]);
    } finally {
      registry.setOnline(true);
    }
  });
});

describe('with an npm-shrinkwrap.json', () => {
  test('it is read as package-lock.json is, wins over one, and the output and refusals name it', async () => {
    const dependencies = { 'tiny-color': '^1.0.0' };
    const shrinkwrap = lockText(dependencies, { 'node_modules/tiny-color': await locked('tiny-color', '1.0.0') });
    const packageLock = lockText(dependencies, { 'node_modules/tiny-color': await locked('tiny-color', '1.1.0') });
    // npm reads npm-shrinkwrap.json when a project has both.
    const lock = projectLock([
      { path: 'package-lock.json', content: packageLock },
      { path: 'npm-shrinkwrap.json', content: shrinkwrap },
    ]);
    expect(lock).toEqual({ name: 'npm-shrinkwrap.json', text: shrinkwrap });
    expect(projectLock([{ path: 'package-lock.json', content: packageLock }])?.name).toBe('package-lock.json');
    expect(projectLock([{ path: 'sub/npm-shrinkwrap.json', content: shrinkwrap }])).toBeUndefined();

    const result = await install(dependencies, lock?.text, true, lock?.name);
    if (!result.ok) throw new Error(result.reason);
    expect(result.packages.map((item) => [item.name, item.version, item.locked])).toEqual([
      ['tiny-color', '1.0.0', true],
    ]);
    expect(result.notes).toContain('From npm-shrinkwrap.json: 1 of 1 packages at their locked versions.');

    const tampered = lockText(dependencies, {
      'node_modules/tiny-color': await locked('tiny-color', '1.0.0', {
        integrity: (await distOf('tiny-color', '1.1.0')).integrity,
      }),
    });
    const refused = await install(dependencies, tampered, true, 'npm-shrinkwrap.json');
    expect(refused.ok === false && refused.reason).toMatch(
      /the downloaded archive does not match the integrity npm-shrinkwrap\.json records/,
    );
    const stale = await install({ 'tiny-color': '^2.0.0' }, shrinkwrap, true, 'npm-shrinkwrap.json');
    expect(stale.ok && stale.notes).toContain(
      "tiny-color@1.0.0 in npm-shrinkwrap.json does not match '^2.0.0'; it was resolved afresh.",
    );
    expect(readLockfile('{', 'npm-shrinkwrap.json')).toEqual({
      ok: false,
      reason: 'npm-shrinkwrap.json is not valid JSON, so versions were resolved afresh.',
    });
  });
});

describe('reading package-lock.json', () => {
  test('version 1, or not JSON, is not read, and the run says why', async () => {
    expect(readLockfile('{"lockfileVersion":1,"dependencies":{}}')).toEqual({
      ok: false,
      reason:
        'package-lock.json is lockfileVersion 1, which the tab does not read (it reads 2 and 3, written by npm 7 and later), so versions were resolved afresh.',
    });
    expect(readLockfile('{')).toEqual({
      ok: false,
      reason: 'package-lock.json is not valid JSON, so versions were resolved afresh.',
    });
    const result = await install({ 'tiny-color': '^1.0.0' }, '{"lockfileVersion":1}');
    expect(result.ok && result.packages.map((item) => `${item.name}@${item.version}`)).toEqual(['tiny-color@1.1.0']);
    expect(result.ok && result.notes[0]).toMatch(/^package-lock\.json is lockfileVersion 1/);
  });

  test('links, Git and file sources, and entries outside node_modules are not taken from the lock', () => {
    const read = readLockfile(
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'project' },
          'packages/app': { name: 'app', version: '1.0.0' },
          'node_modules/app': { resolved: 'packages/app', link: true },
          'node_modules/from-git': {
            version: '1.0.0',
            resolved: 'git+ssh://git@github.com/a/b.git#abc',
            integrity: 'sha512-AAAA',
          },
          'node_modules/../escape': { version: '1.0.0', integrity: 'sha512-AAAA' },
          'node_modules/plain': { version: '1.0.0', integrity: 'sha512-AAAA sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
          'node_modules/no-integrity': { version: '1.0.0' },
        },
      }),
    );
    if (!read.ok) throw new Error(read.reason);
    expect([...read.lock.packages.keys()]).toEqual(['node_modules/plain']);
    expect(read.lock.packages.get('node_modules/plain')?.meta.dist.integrity).toBe('sha512-AAAA');
    expect(read.lock.notes).toEqual([
      "'app' is a link to a folder (a workspace) in package-lock.json; the tab installs only registry packages, so it was resolved afresh.",
      "'from-git' is a Git repository in package-lock.json; the tab installs only registry packages, so it was resolved afresh.",
    ]);
  });
});
