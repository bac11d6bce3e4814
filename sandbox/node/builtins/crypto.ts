/**
 * `crypto`: random values and UUIDs from WebCrypto, hashes and HMACs from @noble/hashes
 * (md5, sha1, sha224, sha256, sha384, sha512), timingSafeEqual, and `webcrypto`.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer/index.js';
import type { ModuleExports } from './module-exports.ts';

type Encoding = Parameters<Buffer['toString']>[0];
interface NobleHash {
  (data: Uint8Array): Uint8Array;
  create(): { update(data: Uint8Array): unknown; digest(): Uint8Array; clone(): unknown };
}

const algorithms = new Map<string, NobleHash>([
  ['md5', md5],
  ['sha1', sha1],
  ['sha224', sha224],
  ['sha256', sha256],
  ['sha384', sha384],
  ['sha512', sha512],
]);

function algorithm(name: string): NobleHash {
  const found = algorithms.get(String(name).toLowerCase().replace('-', ''));
  if (!found) throw new Error('Digest method not supported');
  return found;
}

function bytes(data: unknown, encoding?: unknown): Uint8Array {
  if (typeof data === 'string')
    return Buffer.from(data, (typeof encoding === 'string' ? encoding : 'utf8') as Encoding);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError('The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView.');
}

class Hash {
  constructor(private readonly state: { update(data: Uint8Array): unknown; digest(): Uint8Array; clone(): unknown }) {}

  update(data: unknown, encoding?: unknown): this {
    this.state.update(bytes(data, encoding));
    return this;
  }

  digest(encoding?: Encoding): Buffer | string {
    const result = Buffer.from(this.state.digest());
    return encoding ? result.toString(encoding) : result;
  }

  copy(): Hash {
    return new Hash(this.state.clone() as Hash['state']);
  }
}

function randomFill(target: Uint8Array): Uint8Array {
  for (let offset = 0; offset < target.byteLength; offset += 65536) {
    crypto.getRandomValues(
      target.subarray(offset, Math.min(target.byteLength, offset + 65536)) as Uint8Array<ArrayBuffer>,
    );
  }
  return target;
}

function randomUUID(): string {
  const random = randomFill(new Uint8Array(16));
  random[6] = ((random[6] ?? 0) & 0x0f) | 0x40;
  random[8] = ((random[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...random].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const cryptoModule: ModuleExports = {
  createHash: (name: string) => new Hash(algorithm(name).create()),
  createHmac: (name: string, key: unknown) =>
    new Hash(hmac.create(algorithm(name) as unknown as Parameters<typeof hmac.create>[0], bytes(key))),
  getHashes: () => [...algorithms.keys()],
  randomUUID,
  randomBytes(size: number, callback?: (error: Error | null, buffer: Buffer) => void) {
    const result = Buffer.from(randomFill(new Uint8Array(size)));
    if (callback) queueMicrotask(() => callback(null, result));
    return result;
  },
  randomInt(
    min: number,
    max?: number | ((error: Error | null, value: number) => void),
    callback?: (error: Error | null, value: number) => void,
  ) {
    if (typeof max !== 'number') {
      callback = max;
      max = min;
      min = 0;
    }
    const value =
      min +
      Math.floor((randomFill(new Uint8Array(4)).reduce((sum, byte) => sum * 256 + byte, 0) / 2 ** 32) * (max - min));
    if (callback) queueMicrotask(() => callback?.(null, value));
    return value;
  },
  randomFillSync: (buffer: Uint8Array) => randomFill(buffer),
  getRandomValues: (array: Uint8Array) => randomFill(array),
  timingSafeEqual(a: Uint8Array, b: Uint8Array) {
    if (a.byteLength !== b.byteLength) throw new RangeError('Input buffers must have the same byte length');
    let difference = 0;
    for (let index = 0; index < a.byteLength; index += 1) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
    return difference === 0;
  },
  webcrypto: globalThis.crypto,
  subtle: globalThis.crypto.subtle,
  constants: {},
};
cryptoModule.default = cryptoModule;
