import { expect, test } from 'vitest';
import { capBufferMemory, outOfMemoryReason } from '../../../../sandbox/node/memory.ts';

const mb = 1024 * 1024;

test('buffers are counted before they exist; one past the limit is refused and the run marked', () => {
  const scope: Record<string, unknown> = { ArrayBuffer, Uint8Array, Float64Array };
  const cap = capBufferMemory(scope, 4 * mb, false);
  try {
    const U8 = scope['Uint8Array'] as typeof Uint8Array;
    const F64 = scope['Float64Array'] as typeof Float64Array;
    const Buffers = scope['ArrayBuffer'] as typeof ArrayBuffer;
    const kept: (ArrayBuffer | ArrayBufferView)[] = [new U8(mb), new F64(mb / 8), new Buffers(mb)];
    expect(cap.usedBytes).toBe(3 * mb);
    // A view of a buffer made before allocates nothing; neither does a subarray.
    kept.push(new U8(kept[2] as ArrayBuffer), (kept[0] as Uint8Array).subarray(10));
    expect(cap.usedBytes).toBe(3 * mb);
    expect(cap.exceeded).toBe(false);
    expect(() => new F64(mb / 4)).toThrow(/Ran out of memory/);
    expect(cap.exceeded).toBe(true);
    expect(cap.refusedBytes).toBe(5 * mb);
    expect(outOfMemoryReason(cap)).toBe(
      'Ran out of memory: the run asked for 5 MB of buffers, more than the 4 MB a run may use (an allocation too large, or one that never stops growing).',
    );
    // Subclasses (Buffer is one) and the constructor reached through an instance count too.
    class Sub extends U8 {}
    expect(() => new Sub(2 * mb)).toThrow(RangeError);
    const Through = kept[0]?.constructor as typeof Uint8Array;
    expect(() => new Through(2 * mb)).toThrow(RangeError);
    expect(new U8(16)).toBeInstanceOf(Uint8Array);
  } finally {
    cap.release();
  }
  expect(new Uint8Array(8).constructor).toBe(Uint8Array);
});
