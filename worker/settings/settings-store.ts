import type { OrchestraDb } from '../db/database.ts';
import { type Settings, type SettingsPatch, settingsSchema } from './settings.ts';

export async function readSettings(db: OrchestraDb): Promise<Settings> {
  const rows = await db.settings.toArray();
  return settingsSchema.parse(Object.fromEntries(rows.map((row) => [row.key, row.value])));
}

/** Writes every key of `patch` in one transaction and returns the settings after it. */
export async function writeSettings(db: OrchestraDb, patch: SettingsPatch): Promise<Settings> {
  const updatedAt = Date.now();
  const rows = Object.entries(patch)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, value, updatedAt }));
  await db.settings.bulkPut(rows);
  return readSettings(db);
}
