/*
 * UTF-8 lengths of prompts, which can be a quarter of a megabyte. `TextEncoder.encode`
 * spent milliseconds a call allocating bytes only to count them, a loop over every char
 * code about 2–5 ns a character, and in Chromium `encodeInto` copies the text into Blink
 * first (slower still for a text with any non-Latin-1 character). Prompts are mostly ASCII:
 * a native regular expression finds the runs of other characters, and only those are
 * looked at one by one.
 */

/** Runs of UTF-16 code units above U+007F: each takes more than one byte. */
const nonAscii = /[\u0080-\uffff]+/g;

const isHighSurrogate = (code: number) => (code & 0xfc00) === 0xd800;
const isLowSurrogate = (code: number) => (code & 0xfc00) === 0xdc00;

/**
 * The UTF-8 length of a text, the same as `new TextEncoder().encode(text).length`: 1 to
 * 4 bytes a character, and 3 for a lone surrogate (written as U+FFFD).
 *
 * @example utf8Length('naïve — ok') // 13
 */
export function utf8Length(text: string): number {
  let bytes = text.length; // one byte a code unit, plus what the runs below add
  nonAscii.lastIndex = 0;
  for (let run = nonAscii.exec(text); run !== null; run = nonAscii.exec(text)) {
    const end = run.index + run[0].length;
    for (let i = run.index; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x800) bytes += 1;
      else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
        bytes += 2; // 4 bytes for the pair's two code units
        i += 1;
      } else bytes += 2;
    }
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
