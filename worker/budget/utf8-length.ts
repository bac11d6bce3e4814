/*
 * UTF-8 lengths of prompts, which can be a quarter of a megabyte. `TextEncoder.encode`
 * spent milliseconds a call allocating bytes only to count them, a loop over every char
 * code about 2–5 ns a character, and in Chromium `encodeInto` copies the text into Blink
 * first (slower still for a text with any non-Latin-1 character). Prompts are mostly ASCII:
 * a native regular expression finds the runs of other characters, and only those are
 * looked at one by one.
 *
 * Better still is not to count a prompt at all: it is made of parts (a file's block, a
 * section), and a part counted once where it is made (`MeasuredText`) is added up from
 * its count wherever it is joined. That also spares the prompt a copy: a string made by
 * `+` is a tree of its parts until something reads a character of it, and V8 then copies
 * the whole of it into one flat string (a large-object allocation past 128 KB).
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
 * A text with its UTF-8 length, and what a text joined to either end of it needs to know:
 * whether it starts with a low surrogate or ends with a high one (two lone surrogates, 3
 * bytes each, that meet become one 4-byte pair). Joined texts are then counted without
 * reading them again.
 */
export interface MeasuredText {
  readonly text: string;
  /** `new TextEncoder().encode(text).length` */
  readonly utf8Bytes: number;
  readonly startsLow: boolean;
  readonly endsHigh: boolean;
}

/**
 * Counts a text once, to be joined to others with `joinMeasured` or counted with them by
 * `utf8LengthOfParts`. Reads the text (so makes it flat, if it was made by `+`).
 *
 * @example measure('naïve').utf8Bytes // 6
 */
export function measure(text: string): MeasuredText {
  return {
    text,
    utf8Bytes: utf8Length(text),
    startsLow: isLowSurrogate(text.charCodeAt(0)),
    endsHigh: isHighSurrogate(text.charCodeAt(text.length - 1)),
  };
}

/**
 * The text without its trailing white space (`text.trimEnd()`), measured from the count of
 * the whole: only what goes is counted. White space is never a surrogate, so it neither
 * splits nor ends a pair. Reads the text.
 *
 * @example trimEndMeasured(measure('é \n')) // { text: 'é', utf8Bytes: 2, ... }
 */
export function trimEndMeasured(measured: MeasuredText): MeasuredText {
  const text = measured.text.trimEnd();
  if (text.length === measured.text.length) return measured;
  return {
    text,
    utf8Bytes: measured.utf8Bytes - utf8Length(measured.text.slice(text.length)),
    startsLow: text.length > 0 && measured.startsLow,
    endsHigh: isHighSurrogate(text.charCodeAt(text.length - 1)),
  };
}

/** The empty text, measured. */
export const emptyMeasured: MeasuredText = measure('');

/**
 * The UTF-8 length of the parts' texts joined, without building the joined text: each
 * string part counted apart and each measured part by its count, less 2 bytes wherever a
 * part ending in a high surrogate meets one starting with a low surrogate.
 *
 * @example utf8LengthOfParts([system, prompt]) === utf8Length(system + prompt)
 */
export function utf8LengthOfParts(parts: readonly (string | MeasuredText)[]): number {
  let bytes = 0;
  let endsHigh = false;
  for (const part of parts) {
    if (typeof part === 'string') {
      if (part === '') continue;
      bytes += utf8Length(part);
      if (endsHigh && isLowSurrogate(part.charCodeAt(0))) bytes -= 2;
      endsHigh = isHighSurrogate(part.charCodeAt(part.length - 1));
    } else {
      if (part.text.length === 0) continue;
      bytes += part.utf8Bytes;
      if (endsHigh && part.startsLow) bytes -= 2;
      endsHigh = part.endsHigh;
    }
  }
  return bytes;
}

/**
 * The parts joined, measured from their counts: string parts are counted, measured ones
 * are not read at all, and the text is made by `+` (so it stays a tree of the parts, not
 * copied, until something reads it).
 *
 * @example joinMeasured([heading, measuredFiles]).text === heading + measuredFiles.text
 */
export function joinMeasured(parts: readonly (string | MeasuredText)[]): MeasuredText {
  let text = '';
  let utf8Bytes = 0;
  let startsLow = false;
  let endsHigh = false;
  for (const part of parts) {
    const measured = typeof part === 'string' ? measure(part) : part;
    if (measured.text.length === 0) continue;
    if (text.length === 0) startsLow = measured.startsLow;
    else if (endsHigh && measured.startsLow) utf8Bytes -= 2;
    text += measured.text;
    utf8Bytes += measured.utf8Bytes;
    endsHigh = measured.endsHigh;
  }
  return { text, utf8Bytes, startsLow, endsHigh };
}
