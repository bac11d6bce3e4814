import type { OrchestraDb } from '../../db/database.ts';
import { sha256Hex } from '../hash.ts';
import { readTexts } from '../text-table.ts';
import type { BlobText, StoredText } from './contract.ts';

/** Past this many characters, the least recently used texts leave the cache. */
const cacheLimitChars = 8_000_000;

interface Reader {
  resolve: (content: string | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * The IndexedDB store's texts in memory: those of appends not yet written (whatever
 * their size, readable from the moment of the append), and those recently written or
 * read, by hash. A text never changes under its hash, so a cached one is never stale;
 * without the cache, every prompt re-read each upstream file in a transaction of its
 * own (a 200-task run made 35k reads, and its appends queued behind them). Reads asked
 * for in the same turn go out as one query.
 */
export class TextCache {
  private readonly cache = new Map<string, string>();
  private cacheChars = 0;
  private readonly unwritten = new Map<string, string>();
  private readonly hashing = new Set<Promise<unknown>>();
  /** Texts asked of the database this turn, with who waits for each. */
  private reads: Map<string, Reader[]> | undefined;

  constructor(private readonly db: OrchestraDb) {}

  /** Hashes an append's texts and keeps them readable until `written` or `abandoned`. */
  hash(texts: BlobText[]): Promise<StoredText[]> {
    if (texts.length === 0) return Promise.resolve([]);
    const hashed = Promise.all(
      texts.map(async (text) =>
        typeof text === 'string'
          ? { hash: await sha256Hex(text), content: text }
          : { hash: text.hash, content: text.content },
      ),
    ).then((rows) => {
      for (const row of rows) this.unwritten.set(row.hash, row.content);
      return rows;
    });
    this.hashing.add(hashed);
    const done = () => void this.hashing.delete(hashed);
    hashed.then(done, done);
    return hashed;
  }

  /** The texts are stored now: kept as recently used. */
  written(texts: Iterable<StoredText>): void {
    for (const text of texts) {
      this.remember(text.hash, text.content);
      this.unwritten.delete(text.hash);
    }
  }

  /** The append that brought these texts failed or was refused: they are not readable any more. */
  abandoned(hashes: Iterable<string>): void {
    for (const hash of hashes) this.unwritten.delete(hash);
  }

  /** A text by hash: unwritten, cached, or read from the database. */
  async get(hash: string): Promise<string | undefined> {
    if (!this.cache.has(hash) && !this.unwritten.has(hash) && this.hashing.size > 0) {
      await Promise.allSettled([...this.hashing]);
    }
    const pending = this.unwritten.get(hash);
    if (pending !== undefined) return pending;
    const cached = this.cache.get(hash);
    if (cached !== undefined) {
      this.remember(hash, cached); // most recently used last
      return cached;
    }
    return this.readStored(hash);
  }

  /** Drops texts deleted from the database (compaction, a deleted project). */
  forget(hashes: Iterable<string>): void {
    for (const hash of hashes) {
      const text = this.cache.get(hash);
      if (text === undefined) continue;
      this.cache.delete(hash);
      this.cacheChars -= text.length;
    }
  }

  private readStored(hash: string): Promise<string | undefined> {
    let batch = this.reads;
    if (!batch) {
      const asked = new Map<string, Reader[]>();
      batch = asked;
      this.reads = asked;
      queueMicrotask(() => {
        this.reads = undefined;
        readTexts(this.db, asked.keys()).then(
          (found) => {
            for (const [wanted, readers] of asked) {
              const content = found.get(wanted);
              if (content !== undefined) this.remember(wanted, content);
              for (const reader of readers) reader.resolve(content);
            }
          },
          (error: unknown) => {
            for (const readers of asked.values()) for (const reader of readers) reader.reject(error);
          },
        );
      });
    }
    const readers = batch;
    return new Promise((resolve, reject) => readers.set(hash, [...(readers.get(hash) ?? []), { resolve, reject }]));
  }

  /** Keeps a text, dropping the least recently used past the limit; one over an eighth of it is not kept. */
  private remember(hash: string, content: string): void {
    this.forget([hash]);
    if (content.length > cacheLimitChars / 8) return;
    this.cache.set(hash, content);
    this.cacheChars += content.length;
    for (const [oldest, text] of this.cache) {
      if (this.cacheChars <= cacheLimitChars) break;
      this.cache.delete(oldest);
      this.cacheChars -= text.length;
    }
  }
}
