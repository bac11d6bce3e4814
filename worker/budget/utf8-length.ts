/*
 * UTF-8 lengths of prompts, which can be a quarter of a megabyte. `TextEncoder.encode`
 * spent milliseconds a call allocating bytes only to count them, and a JavaScript loop over
 * char codes about 2 ns a character; `encodeInto` a reused buffer is native (and
 * vectorised for ASCII), so a prompt is counted in tens of microseconds. It writes a lone
 * surrogate as U+FFFD (3 bytes), exactly as `encode` does.
 */

const encoder = new TextEncoder();
/** Characters encoded at a time; the buffer holds their worst case of 3 bytes each. */
const chunkChars = 16_384;
let scratch: Uint8Array | undefined;

const isHighSurrogate = (code: number) => (code & 0xfc00) === 0xd800;
const isLowSurrogate = (code: number) => (code & 0xfc00) === 0xdc00;

/**
 * The UTF-8 length of a text, the same as `new TextEncoder().encode(text).length`.
 *
 * @example utf8Length('naïve — ok') // 13
 */
export function utf8Length(text: string): number {
  scratch ??= new Uint8Array(chunkChars * 3);
  if (text.length <= chunkChars) return encoder.encodeInto(text, scratch).written;
  let bytes = 0;
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + chunkChars);
    // A surrogate pair split over two chunks would count 3 + 3 instead of 4.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    bytes += encoder.encodeInto(text.slice(start, end), scratch).written;
    start = end;
  }
  return bytes;
}

/**
 * The UTF-8 length of `parts.join('')`, without building the joined text: each part
 * counted apart, less 2 bytes wherever a part ending in a high surrogate meets one starting
 * with a low surrogate (the two lone surrogates, 3 bytes each, become one 4-byte pair).
 *
 * @example utf8LengthOfParts([system, prompt]) === utf8Length(system + prompt)
 */
export function utf8LengthOfParts(parts: readonly string[]): number {
  let bytes = 0;
  let endsHigh = false;
  for (const part of parts) {
    if (part === '') continue;
    bytes += utf8Length(part);
    if (endsHigh && isLowSurrogate(part.charCodeAt(0))) bytes -= 2;
    endsHigh = isHighSurrogate(part.charCodeAt(part.length - 1));
  }
  return bytes;
}
