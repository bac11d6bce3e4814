/**
 * Offsets are opaque to clients. Ours name an entry number (one entry per append):
 * `0000000000000000_<16-digit entry number>`, which sorts lexicographically, and whose
 * zero value is the one the conformance suite uses for "the start of the stream".
 */
const shape = /^(\d{16})_(\d{16})$/;
const pad = (value: number) => String(value).padStart(16, '0');

export function formatOffset(seq: number): string {
  return `${pad(0)}_${pad(seq)}`;
}

/** `-1` is the start; `now` the tail; anything else must be one of ours. */
export function parseOffset(text: string): number | 'now' | undefined {
  if (text === '-1') return 0;
  if (text === 'now') return 'now';
  const match = shape.exec(text);
  if (!match || match[1] !== pad(0)) return undefined;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}
