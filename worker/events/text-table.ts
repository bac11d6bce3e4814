import type { OrchestraDb } from '../db/database.ts';
import { putRows } from './projections/materialize.ts';

/*
 * The texts the log names by SHA-256 — file versions, raw answers, checkpoints, review
 * reports — stored a pack at a time: the texts one append brings go into one record,
 * with a multi-entry index on their hashes. IndexedDB charges by the request, and a run
 * brings three or four texts a task; one record per text cost more than the rest of the
 * append's writes together.
 *
 * A pack is only a container: a text is found by its hash whichever pack holds it, a
 * text written twice may sit in two packs (both are found and both are removed), and
 * removing texts rewrites the packs that held them.
 */

/** One record of the `texts` table. */
export interface TextPack {
  /** Given by IndexedDB when the pack is added. */
  pack?: number;
  hashes: string[];
  contents: string[];
}

export interface Text {
  hash: string;
  content: string;
}

/**
 * The most texts, and about the most characters, a pack holds. Past 64 KB Chromium
 * stores a value as a file beside the database, and a put costs three to four times as
 * much per byte; a text is read by its hash, and a small pack keeps that read small. A
 * text bigger than that has a pack of its own.
 */
const packTexts = 256;
const packChars = 40_000;

/** Packs of `texts`, each text once, each pack within the limits above. */
export function packsOf(texts: readonly Text[]): TextPack[] {
  const packs: TextPack[] = [];
  const seen = new Set<string>();
  let current: TextPack = { hashes: [], contents: [] };
  let chars = 0;
  for (const { hash, content } of texts) {
    if (seen.has(hash)) continue;
    seen.add(hash);
    if (current.hashes.length > 0 && (current.hashes.length === packTexts || chars + content.length > packChars)) {
      packs.push(current);
      current = { hashes: [], contents: [] };
      chars = 0;
    }
    current.hashes.push(hash);
    current.contents.push(content);
    chars += content.length;
  }
  if (current.hashes.length > 0) packs.push(current);
  return packs;
}

/** Stores texts (in the current transaction, as plain requests, when there is one). */
export function addTexts(db: OrchestraDb, texts: readonly Text[]): Promise<unknown> {
  const packs = packsOf(texts);
  return packs.length === 0 ? Promise.resolve() : putRows(db, 'texts', packs);
}

/** Every pack holding any of `hashes`, each once. */
async function packsHolding(db: OrchestraDb, hashes: ReadonlySet<string>): Promise<TextPack[]> {
  if (hashes.size === 0) return [];
  return db.texts
    .where('hashes')
    .anyOf([...hashes])
    .distinct()
    .toArray();
}

/** The texts stored under `hashes`, by hash; a hash stored nowhere is missing from the map. */
export async function readTexts(db: OrchestraDb, hashes: Iterable<string>): Promise<Map<string, string>> {
  const wanted = new Set(hashes);
  const found = new Map<string, string>();
  for (const pack of await packsHolding(db, wanted)) {
    pack.hashes.forEach((hash, index) => {
      if (wanted.has(hash)) found.set(hash, pack.contents[index] as string);
    });
  }
  return found;
}

/**
 * Removes the texts stored under `hashes` from every pack that holds them; a pack left
 * empty goes. Run it in a transaction that writes `texts`. Returns the texts removed.
 */
export async function deleteTexts(db: OrchestraDb, hashes: Iterable<string>): Promise<Text[]> {
  const doomed = new Set(hashes);
  const packs = await packsHolding(db, doomed);
  const removed = new Map<string, string>();
  const emptied: number[] = [];
  const kept: TextPack[] = [];
  for (const pack of packs) {
    const left: TextPack = { ...pack, hashes: [], contents: [] };
    pack.hashes.forEach((hash, index) => {
      const content = pack.contents[index] as string;
      if (doomed.has(hash)) removed.set(hash, content);
      else {
        left.hashes.push(hash);
        left.contents.push(content);
      }
    });
    if (left.hashes.length === 0) emptied.push(pack.pack as number);
    else kept.push(left);
  }
  await Promise.all([db.texts.bulkDelete(emptied), db.texts.bulkPut(kept)]);
  return [...removed].map(([hash, content]) => ({ hash, content }));
}
