/**
 * The JavaScript runtime's memory bound. A browser worker has no heap limit that a page
 * can set and no way to read its own heap size (`performance.memory` is not exposed to
 * workers), so the bound is kept where the large allocations are asked for: every
 * ArrayBuffer and typed array made in the worker (so every `Buffer`) is counted before
 * its bytes exist, and uncounted when the garbage collector frees it. One past the limit
 * is refused with a RangeError in the test that asked, and the run ends as "ran out of
 * memory" with the cases before it, never as a pass or a plain failure.
 *
 * Not counted: plain objects, arrays and strings, and buffers the platform makes itself
 * (`structuredClone`, `TextEncoder`…). A test that grows those without end is ended by
 * the time limit, in a worker the frame terminates; the app is not affected either way.
 */

/** At most this much memory in buffers for one run. */
export const jsMemoryLimitBytes = 512 * 1024 * 1024;

export interface BufferMemoryCap {
  /** Whether an allocation past the limit was refused. */
  readonly exceeded: boolean;
  /** The largest total a refused allocation would have made, in bytes. */
  readonly refusedBytes: number;
  /** Bytes in buffers not yet freed. */
  readonly usedBytes: number;
  readonly limitBytes: number;
}

const typedArrays = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

type Constructor = new (...args: unknown[]) => object;

/** The bytes a constructor call will allocate, known before it runs (0 when it makes none or cannot tell). */
function bytesAsked(name: string, bytesPerElement: number, args: unknown[]): number {
  const first = args[0];
  if (name === 'ArrayBuffer') {
    const options = args[1] as { maxByteLength?: unknown } | undefined;
    const max = typeof options?.maxByteLength === 'number' ? options.maxByteLength : 0;
    return Math.max(typeof first === 'number' ? first : 0, max);
  }
  if (typeof first === 'number') return first * bytesPerElement;
  if (typeof first === 'object' && first !== null && !(first instanceof ArrayBuffer)) {
    const length = (first as { length?: unknown }).length;
    if (typeof length === 'number') return length * bytesPerElement;
  }
  return 0;
}

/**
 * Counts every ArrayBuffer and typed array `scope` makes from now on, and refuses those
 * past `limitBytes`. In the sandbox's worker the counting constructors replace the real
 * ones for good (globals and each prototype's `constructor`); elsewhere (unit tests) call
 * `release()` to put the real ones back.
 */
export function capBufferMemory(
  scope: Record<string, unknown> = globalThis,
  limitBytes = jsMemoryLimitBytes,
  lock = true,
): BufferMemoryCap & { release(): void } {
  const state = { exceeded: false, refusedBytes: 0, usedBytes: 0, limitBytes };
  const freed = new FinalizationRegistry<number>((bytes) => {
    state.usedBytes = Math.max(0, state.usedBytes - bytes);
  });
  const originals: [name: string, real: Constructor][] = [];
  for (const name of ['ArrayBuffer', ...typedArrays]) {
    const real = scope[name] as (Constructor & { BYTES_PER_ELEMENT?: number }) | undefined;
    if (typeof real !== 'function') continue;
    const bytesPerElement = real.BYTES_PER_ELEMENT ?? 1;
    const counting = new Proxy(real, {
      construct(target, args: unknown[], newTarget) {
        const asked = bytesAsked(name, bytesPerElement, args);
        if (state.usedBytes + asked > limitBytes) {
          state.exceeded = true;
          state.refusedBytes = Math.max(state.refusedBytes, state.usedBytes + asked);
          throw new RangeError(
            `Ran out of memory: this run may use ${Math.round(limitBytes / 1048576)} MB of buffers, and ${name} asked for ${Math.round(asked / 1048576)} MB more.`,
          );
        }
        const made = Reflect.construct(target, args, newTarget === counting ? target : newTarget) as object;
        // A view of a buffer made elsewhere allocates nothing; a new buffer is counted until freed.
        const buffer = made instanceof ArrayBuffer ? made : (made as { buffer: ArrayBuffer }).buffer;
        const viewsGiven = args[0] instanceof ArrayBuffer && buffer === args[0];
        if (!viewsGiven) {
          const bytes = buffer.byteLength;
          state.usedBytes += bytes;
          freed.register(buffer, bytes);
        }
        return made;
      },
    });
    originals.push([name, real]);
    const fixed = { writable: !lock, configurable: !lock, enumerable: false };
    Object.defineProperty(scope, name, { value: counting, ...fixed });
    // `new (Buffer.alloc(0).constructor)(n)` reaches the constructor through its prototype.
    Object.defineProperty(real.prototype, 'constructor', { value: counting, ...fixed });
  }
  return {
    get exceeded() {
      return state.exceeded;
    },
    get refusedBytes() {
      return state.refusedBytes;
    },
    get usedBytes() {
      return state.usedBytes;
    },
    limitBytes,
    release() {
      for (const [name, real] of originals) {
        Object.defineProperty(scope, name, { value: real, writable: true, configurable: true, enumerable: false });
        Object.defineProperty(real.prototype, 'constructor', {
          value: real,
          writable: true,
          configurable: true,
          enumerable: false,
        });
      }
    },
  };
}

/** The sentence for a run that reached the bound. */
export function outOfMemoryReason(cap: BufferMemoryCap): string {
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return (
    `Ran out of memory: the run asked for ${mb(cap.refusedBytes)} MB of buffers, more than the ${mb(cap.limitBytes)} MB ` +
    'a run may use (an allocation too large, or one that never stops growing).'
  );
}
