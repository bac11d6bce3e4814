import type { OrchestraDb } from '../db/database.ts';
import { type PriceEdit, priceEditSchema } from './price-edit.ts';

/**
 * The device's price edits, oldest first. A row that no longer fits the schema (written by
 * a newer version, or damaged) is left out rather than breaking every call's price.
 */
export async function readPriceEdits(db: OrchestraDb): Promise<PriceEdit[]> {
  const rows = await db.deviceEvents.orderBy(':id').toArray();
  return rows.flatMap((row) => {
    const parsed = priceEditSchema.safeParse(row.event);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Appends one price edit to the device's settings events (never to a project's log). */
export async function appendPriceEdit(db: OrchestraDb, edit: PriceEdit): Promise<void> {
  await db.deviceEvents.add({ event: priceEditSchema.parse(edit) });
}
