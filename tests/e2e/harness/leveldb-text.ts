/**
 * What a LevelDB table file (`*.ldb`, `*.sst`) holds once its blocks are decompressed:
 * Chromium's IndexedDB compresses table blocks with Snappy, so a secret in a table is
 * not a plain run of bytes in the file (a back-reference to an earlier, similar string
 * splits it). A scan of the disk for secrets must read the tables the way LevelDB does.
 * Format: https://github.com/google/leveldb/blob/main/doc/table_format.md (footer of
 * 48 bytes with the index block's handle; each block followed by a type byte and a CRC).
 */

const footerBytes = 48;
const magic = 0xdb4775248b80fb57n;

function varint(buffer: Buffer, start: number): [number, number] {
  let value = 0;
  let shift = 0;
  let at = start;
  for (;;) {
    const byte = buffer[at++];
    if (byte === undefined) throw new Error('varint past the end');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

/** Snappy's raw format: a varint length, then literals and copies. */
export function unsnappy(input: Buffer): Buffer {
  const [length, begin] = varint(input, 0);
  const out = Buffer.alloc(length);
  let at = begin;
  let written = 0;
  while (at < input.length) {
    const tag = input[at++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let size = (tag >> 2) + 1;
      if (size > 60) {
        const bytes = size - 60;
        size = input.readUIntLE(at, bytes) + 1;
        at += bytes;
      }
      input.copy(out, written, at, at + size);
      at += size;
      written += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === 1) {
      size = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | (input[at++] as number);
    } else if (kind === 2) {
      size = (tag >> 2) + 1;
      offset = input.readUInt16LE(at);
      at += 2;
    } else {
      size = (tag >> 2) + 1;
      offset = input.readUInt32LE(at);
      at += 4;
    }
    if (offset === 0 || offset > written) throw new Error('snappy copy out of range');
    for (let index = 0; index < size; index++) out[written + index] = out[written - offset + index] as number;
    written += size;
  }
  return out;
}

function block(file: Buffer, offset: number, size: number): Buffer {
  const contents = file.subarray(offset, offset + size);
  return file[offset + size] === 1 ? unsnappy(contents) : contents;
}

/** The handles (offset, size) an index block's entries point to. */
function handlesIn(index: Buffer): [number, number][] {
  const restarts = index.readUInt32LE(index.length - 4);
  const end = index.length - 4 - 4 * restarts;
  const handles: [number, number][] = [];
  let at = 0;
  while (at < end) {
    let shared: number, unshared: number, valueLength: number;
    [shared, at] = varint(index, at);
    [unshared, at] = varint(index, at);
    [valueLength, at] = varint(index, at);
    void shared;
    at += unshared;
    const [offset, next] = varint(index, at);
    const [size] = varint(index, next);
    handles.push([offset, size]);
    at += valueLength;
  }
  return handles;
}

/**
 * Every data block of a LevelDB table, decompressed and joined; undefined when the file
 * is not a table (or is damaged: the caller then scans its raw bytes only).
 */
export function leveldbTableText(file: Buffer): Buffer | undefined {
  if (file.length < footerBytes || file.readBigUInt64LE(file.length - 8) !== magic) return undefined;
  try {
    const footer = file.subarray(file.length - footerBytes);
    const [, afterMetaOffset] = varint(footer, 0);
    const [, afterMetaSize] = varint(footer, afterMetaOffset);
    const [indexOffset, afterIndexOffset] = varint(footer, afterMetaSize);
    const [indexSize] = varint(footer, afterIndexOffset);
    const index = block(file, indexOffset, indexSize);
    return Buffer.concat(handlesIn(index).map(([offset, size]) => block(file, offset, size)));
  } catch {
    return undefined;
  }
}
