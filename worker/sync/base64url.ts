/**
 * Base64 by table, a byte at a time. `btoa(String.fromCharCode(...chunk))` spent ~90 ms
 * on 256 KiB in V8 (the spread of 32K arguments), which made sealing a run of events
 * cost far more than encrypting it; this takes ~1 ms.
 */
const standardAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const urlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const codes = (alphabet: string) => Uint8Array.from(alphabet, (char) => char.charCodeAt(0));
const standardCodes = codes(standardAlphabet);
const urlCodes = codes(urlAlphabet);
const ascii = new TextDecoder();

/** What each character code stands for in base64url, or -1. */
const urlValues = new Int8Array(128).fill(-1);
for (let i = 0; i < urlAlphabet.length; i += 1) urlValues[urlAlphabet.charCodeAt(i)] = i;

function encode(bytes: Uint8Array, table: Uint8Array, pad: boolean): string {
  const whole = bytes.length - (bytes.length % 3);
  const rest = bytes.length - whole;
  const out = new Uint8Array((whole / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1));
  let at = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[at++] = table[n >>> 18]!;
    out[at++] = table[(n >>> 12) & 63]!;
    out[at++] = table[(n >>> 6) & 63]!;
    out[at++] = table[n & 63]!;
  }
  if (rest > 0) {
    const n = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0);
    out[at++] = table[n >>> 18]!;
    out[at++] = table[(n >>> 12) & 63]!;
    if (rest === 2) out[at++] = table[(n >>> 6) & 63]!;
    else if (pad) out[at++] = 61; // '='
    if (pad) out[at++] = 61;
  }
  return ascii.decode(out);
}

/** Bytes → standard base64 text (with padding). */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, standardCodes, true);
}

/** Standard base64 text → bytes; throws when the text is not base64 (as `atob` does). */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** Bytes ⇄ base64url text (no padding), for secrets, ids and ciphertext on the wire. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, urlCodes, false);
}

/** Undefined when the text is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let at = 0;
  let bits = 0;
  let held = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? urlValues[code]! : -1;
    if (value < 0) return undefined;
    bits = (bits << 6) | value;
    held += 6;
    if (held >= 8) {
      held -= 8;
      out[at++] = (bits >>> held) & 255;
    }
  }
  return out;
}
