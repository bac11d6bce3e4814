import { sha256 } from '@noble/hashes/sha2.js';

/*
 * SHA-256 of the texts a run stores: a few a task, mostly a few hundred bytes to a few
 * kilobytes. WebCrypto's digest is asynchronous (a hop to another thread and back for
 * each text) and needs the text as bytes from `TextEncoder`, which costs more here than
 * hashing a short text; so texts are hashed in place, and an ASCII text (most code) is
 * turned into bytes with a plain loop.
 */

const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();
const scratch = new Uint8Array(65_536);

/**
 * The UTF-8 bytes of a text; an ASCII text up to 64K characters is copied into a reused
 * buffer (valid until the next call).
 */
function utf8Bytes(text: string): Uint8Array {
  const length = text.length;
  if (length > scratch.length) return encoder.encode(text);
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return encoder.encode(text);
    scratch[index] = code;
  }
  return scratch.subarray(0, length);
}

/** SHA-256 of a text's UTF-8 bytes, as lowercase hex: the same in the worker and in Node. */
export function sha256HexSync(text: string): string {
  const digest = sha256(utf8Bytes(text));
  let hex = '';
  for (const byte of digest) hex += hexOfByte[byte];
  return hex;
}

/** SHA-256 of a text, as lowercase hex (asynchronous for its callers' sake; computed at once). */
export function sha256Hex(text: string): Promise<string> {
  return Promise.resolve(sha256HexSync(text));
}
