/**
 * Reads a byte stream to its end into one array. Past `limit` bytes the stream is
 * cancelled and what `tooLarge` makes is thrown: a source that is broken or hostile
 * (a download, an archive that unpacks to gigabytes) never fills the memory.
 *
 * @example await readCapped(response.body.getReader(), 50 * 1024 * 1024, () => new Error('too large'))
 */
export async function readCapped(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
