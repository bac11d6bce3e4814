/**
 * A database left by an older version of the app, upgraded by this one in real Chromium:
 * a project is built, its database rewritten as schema version 7 laid it out (one row
 * per read-model row, one `blobs` row per text), and the app opened again.
 */
import type { Page } from 'playwright-core';
import { latestVersion, schemaHistory } from '../../worker/db/schema.ts';
import { expect, test } from './harness/fixtures.ts';
import { createProject } from './harness/new-project.ts';

/** A store as IndexedDB makes it, from Dexie's schema syntax. */
interface RawStore {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
}

const keyPathOf = (name: string): string | string[] => (name.startsWith('[') ? name.slice(1, -1).split('+') : name);

/** The stores of the schema at `version`, as the history built them. */
function storesAt(version: number): RawStore[] {
  const specs = new Map<string, string>();
  for (const entry of schemaHistory.filter((item) => item.version <= version)) {
    for (const [name, spec] of Object.entries(entry.stores)) {
      if (spec === null) specs.delete(name);
      else specs.set(name, spec);
    }
  }
  return [...specs].map(([name, spec]) => {
    const [primary = '', ...indexes] = spec.split(',').map((part) => part.trim());
    const autoIncrement = primary.startsWith('++');
    const key = primary.replace(/^\+\+|^&/, '');
    return {
      name,
      keyPath: key === '' ? null : keyPathOf(key),
      autoIncrement,
      indexes: indexes.map((index) => {
        const indexName = index.replace(/^[&*]/, '');
        return {
          name: indexName,
          keyPath: keyPathOf(indexName),
          unique: index.startsWith('&'),
          multiEntry: index.startsWith('*'),
        };
      }),
    };
  });
}

/** Rewrites the app's database as version 7 kept the same data. Runs in a page of the app's origin. */
async function downgradeToVersion7(page: Page): Promise<{ rows: Record<string, number>; texts: number }> {
  return page.evaluate(async (stores) => {
    const request = <T>(made: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        made.onsuccess = () => resolve(made.result);
        made.onerror = () => reject(made.error ?? new Error('IndexedDB request failed'));
      });
    const current = await request(indexedDB.open('orchestra'));
    const names = [...current.objectStoreNames];
    const read = current.transaction(names, 'readonly');
    const data: Record<string, unknown[]> = {};
    for (const name of names) data[name] = await request(read.objectStore(name).getAll());
    current.close();
    await request(indexedDB.deleteDatabase('orchestra'));

    type Page = { page: number; rows: { reservationId?: string }[] };
    const rows = (name: string): unknown[] => {
      const pages = ((data[name] ?? []) as Page[]).sort((a, b) => a.page - b.page);
      if (name !== 'costs') return pages.flatMap((page) => page.rows);
      const latest = new Map<string, unknown>();
      for (const page of [...pages.filter((p) => p.page === 0), ...pages.filter((p) => p.page !== 0).reverse()]) {
        for (const row of page.rows) if (!latest.has(row.reservationId ?? '')) latest.set(row.reservationId ?? '', row);
      }
      return [...latest.values()];
    };
    const texts = ((data['texts'] ?? []) as { hashes: string[]; contents: string[] }[]).flatMap((pack) =>
      pack.hashes.map((hash, index) => ({
        hash,
        content: pack.contents[index] ?? '',
        size: pack.contents[index]?.length,
      })),
    );
    const old: Record<string, unknown[]> = { blobs: texts };
    const counts: Record<string, number> = {};
    for (const store of stores) {
      if (store.name === 'blobs') continue;
      old[store.name] = [
        'commits',
        'snapshots',
        'projects',
        'plans',
        'settings',
        'meta',
        'providerConfigs',
        'providerKeys',
      ].includes(store.name)
        ? (data[store.name] ?? [])
        : rows(store.name);
      counts[store.name] = old[store.name]?.length ?? 0;
    }

    // Dexie opens version n as IndexedDB version 10 n.
    const open = indexedDB.open('orchestra', 70);
    open.onupgradeneeded = () => {
      for (const store of stores) {
        const made = open.result.createObjectStore(store.name, {
          keyPath: store.keyPath,
          autoIncrement: store.autoIncrement,
        });
        for (const index of store.indexes) {
          made.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
        }
      }
    };
    const v7 = await request(open);
    const write = v7.transaction(
      stores.map((store) => store.name),
      'readwrite',
    );
    for (const store of stores) for (const row of old[store.name] ?? []) write.objectStore(store.name).put(row);
    await new Promise<void>((resolve, reject) => {
      write.oncomplete = () => resolve();
      write.onerror = () => reject(write.error ?? new Error('write failed'));
    });
    v7.close();
    return { rows: counts, texts: texts.length };
  }, storesAt(7));
}

test('a database of schema version 7 upgrades to the latest in Chromium: the project, its tasks and its files are all there', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  const projectUrl = await createProject(page, server.url, {
    name: 'Before the upgrade',
    description: 'A data pipeline that cleans CSV files.',
    template: 'data-pipeline',
  });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByTestId('plan-review').waitFor();
  await page.getByRole('button', { name: 'Approve plan', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 30_000 })
    .toBe('stopped');
  const taskList = await page.getByTestId('task-list').textContent();

  // The app closed (a page of the same origin that opens no database), the data rewritten.
  await page.goto(`${server.url}/manifest.webmanifest`);
  const before = await downgradeToVersion7(page);
  expect(before.rows['tasks']).toBe(1); // the Template provider's plan: one scaffold task
  expect(before.rows['sessions']).toBe(1);
  expect(before.rows['artifacts']).toBeGreaterThan(1);
  expect(before.texts).toBeGreaterThan(1);

  await page.goto(`${server.url}/data`);
  await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('Ready');
  expect(await page.getByTestId('health-database').textContent()).toContain(`schema version ${latestVersion}`);
  await page.goto(projectUrl);
  await expect
    .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 30_000 })
    .toBe('stopped');
  expect(await page.getByTestId('task-list').textContent()).toBe(taskList);

  // Pages and packs hold what the rows and blobs held.
  const after = await page.evaluate(async () => {
    const request = <T>(made: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        made.onsuccess = () => resolve(made.result);
        made.onerror = () => reject(made.error ?? new Error('IndexedDB request failed'));
      });
    const db = await request(indexedDB.open('orchestra'));
    const read = db.transaction(['tasks', 'artifacts', 'texts'], 'readonly');
    const rows = async (name: string) =>
      ((await request(read.objectStore(name).getAll())) as { rows: unknown[] }[]).flatMap((page) => page.rows).length;
    const packs = (await request(read.objectStore('texts').getAll())) as { hashes: string[] }[];
    const result = {
      version: db.version,
      stores: [...db.objectStoreNames],
      tasks: await rows('tasks'),
      artifacts: await rows('artifacts'),
      texts: new Set(packs.flatMap((pack) => pack.hashes)).size,
    };
    db.close();
    return result;
  });
  expect(after).toMatchObject({
    version: latestVersion * 10,
    tasks: before.rows['tasks'],
    artifacts: before.rows['artifacts'],
  });
  expect(after.stores).not.toContain('blobs');
  expect(after.texts).toBe(before.texts);

  // A file's text is read from its pack.
  await page.locator('main').getByRole('link', { name: 'Artifacts', exact: true }).first().click();
  await page.getByTestId('file-tree').waitFor();
  await page.getByTestId('file-tree').getByRole('button').first().click();
  await expect.poll(async () => ((await page.getByTestId('code-view').textContent()) ?? '').length).toBeGreaterThan(20);
});
