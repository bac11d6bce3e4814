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

/** Texts this long and longer are hashed by WebCrypto (native SHA-256, off this thread). */
const webCryptoChars = 16_384;

/**
 * The UTF-8 bytes of texts joined, as `new TextEncoder().encode(parts.join(''))` gives
 * them (a lone surrogate becomes U+FFFD, and a high surrogate ending one part pairs with
 * a low one starting the next), written by a plain loop: TextEncoder costs several times
 * as much here.
 */
export function utf8BytesOfParts(parts: readonly string[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += part.length * 3;
  const bytes = new Uint8Array(size);
  let at = 0;
  let high = 0; // a high surrogate waiting for its low one
  const replacement = () => {
    bytes[at++] = 0xef;
    bytes[at++] = 0xbf;
    bytes[at++] = 0xbd;
  };
  for (const part of parts) {
    const length = part.length;
    for (let index = 0; index < length; index++) {
      const code = part.charCodeAt(index);
      if (high !== 0) {
        if (code >= 0xdc00 && code <= 0xdfff) {
          const point = 0x10000 + ((high - 0xd800) << 10) + (code - 0xdc00);
          bytes[at++] = 0xf0 | (point >> 18);
          bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
          bytes[at++] = 0x80 | (point & 0x3f);
          high = 0;
          continue;
        }
        replacement();
        high = 0;
      }
      if (code < 0x80) bytes[at++] = code;
      else if (code < 0x800) {
        bytes[at++] = 0xc0 | (code >> 6);
        bytes[at++] = 0x80 | (code & 0x3f);
      } else if (code >= 0xd800 && code <= 0xdbff) high = code;
      else if (code >= 0xdc00 && code <= 0xdfff) replacement();
      else {
        bytes[at++] = 0xe0 | (code >> 12);
        bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[at++] = 0x80 | (code & 0x3f);
      }
    }
  }
  if (high !== 0) replacement();
  return bytes.subarray(0, at);
}

/**
 * SHA-256 of texts joined, as lowercase hex, without joining them: a prompt of a few
 * hundred thousand characters is encoded once and hashed by WebCrypto off this thread;
 * short ones in place.
 */
export async function sha256HexOfParts(parts: readonly string[]): Promise<string> {
  let chars = 0;
  for (const part of parts) chars += part.length;
  if (chars < webCryptoChars) return sha256HexSync(parts.join(''));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8BytesOfParts(parts)));
  let hex = '';
  for (const byte of digest) hex += hexOfByte[byte];
  return hex;
}
