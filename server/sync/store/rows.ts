import type { EntryRecord, NewStream, SpaceRecord, StreamRecord } from './contract.ts';

/** The columns both stores share, in the order `insertStream` writes them. */
export const streamColumns = [
  'space_id',
  'path',
  'content_type',
  'created_at',
  'ttl_seconds',
  'expires_at',
  'last_access_at',
  'closed',
  'closed_by',
  'tail_seq',
  'last_writer_seq',
  'bytes',
  'forked_from',
  'fork_offset',
  'fork_sub_offset',
  'source_id',
  'ref_count',
  'soft_deleted',
] as const;

const fieldOfColumn: Record<(typeof streamColumns)[number], keyof NewStream> = {
  space_id: 'spaceId',
  path: 'path',
  content_type: 'contentType',
  created_at: 'createdAt',
  ttl_seconds: 'ttlSeconds',
  expires_at: 'expiresAt',
  last_access_at: 'lastAccessAt',
  closed: 'closed',
  closed_by: 'closedBy',
  tail_seq: 'tailSeq',
  last_writer_seq: 'lastWriterSeq',
  bytes: 'bytes',
  forked_from: 'forkedFrom',
  fork_offset: 'forkOffset',
  fork_sub_offset: 'forkSubOffset',
  source_id: 'sourceId',
  ref_count: 'refCount',
  soft_deleted: 'softDeleted',
};

type Cell = string | number | bigint | boolean | null;
type Row = Record<string, unknown>;

const toNumber = (value: unknown): number => Number(value);
const toNullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const toText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? value.toString()
      : JSON.stringify(value);
const toNullableString = (value: unknown): string | null =>
  value === null || value === undefined ? null : toText(value);
const toBoolean = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 1n;

/** Column values for a stream, booleans as the store wants them. */
export function streamCells(stream: Partial<NewStream>, booleans: (value: boolean) => Cell): Array<[string, Cell]> {
  const cells: Array<[string, Cell]> = [];
  for (const column of streamColumns) {
    const field = fieldOfColumn[column];
    if (!(field in stream)) continue;
    const value = stream[field];
    cells.push([column, typeof value === 'boolean' ? booleans(value) : (value ?? null)]);
  }
  return cells;
}

export function streamFromRow(row: Row): StreamRecord {
  return {
    id: toNumber(row['id']),
    spaceId: toText(row['space_id']),
    path: toText(row['path']),
    contentType: toText(row['content_type']),
    createdAt: toNumber(row['created_at']),
    ttlSeconds: toNullableNumber(row['ttl_seconds']),
    expiresAt: toNullableNumber(row['expires_at']),
    lastAccessAt: toNumber(row['last_access_at']),
    closed: toBoolean(row['closed']),
    closedBy: toNullableString(row['closed_by']),
    tailSeq: toNumber(row['tail_seq']),
    lastWriterSeq: toNullableString(row['last_writer_seq']),
    bytes: toNumber(row['bytes']),
    forkedFrom: toNullableString(row['forked_from']),
    forkOffset: toNullableString(row['fork_offset']),
    forkSubOffset: toNumber(row['fork_sub_offset']),
    sourceId: toNullableNumber(row['source_id']),
    refCount: toNumber(row['ref_count']),
    softDeleted: toBoolean(row['soft_deleted']),
  };
}

export function spaceFromRow(row: Row): SpaceRecord {
  return {
    id: toText(row['id']),
    tokenHash: toText(row['token_hash']),
    createdAt: toNumber(row['created_at']),
    bytesUsed: toNumber(row['bytes_used']),
    streamCount: toNumber(row['stream_count']),
  };
}

/** Rows a size query looks at a time. */
const sizePage = 256;

/**
 * Committed entries from `fromSeq` on, at least one when any exist, stopping before the
 * one that would pass `maxBytes`. Sizes are read first and data only for the entries
 * taken: a stream of 1 MB entries read a page of 256 whole ones to answer with one.
 */
export async function readWithinBytes(
  fromSeq: number,
  maxBytes: number,
  sizes: (fromSeq: number, limit: number) => Promise<Array<{ seq: number; size: number }>>,
  range: (fromSeq: number, toSeq: number) => Promise<EntryRecord[]>,
): Promise<EntryRecord[]> {
  let bytes = 0;
  let end = fromSeq;
  for (;;) {
    const page = await sizes(end, sizePage);
    for (const { seq, size } of page) {
      if (end > fromSeq && bytes + size > maxBytes) return range(fromSeq, end);
      bytes += size;
      end = seq + 1;
    }
    if (page.length < sizePage) return end > fromSeq ? range(fromSeq, end) : [];
  }
}
