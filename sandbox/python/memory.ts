/**
 * The Python runtime's memory bound. Pyodide's heap is one WebAssembly memory that grows
 * through `WebAssembly.Memory.prototype.grow`; past the limit the growth is refused, so
 * the allocation fails inside Python as a `MemoryError` (the interpreter survives it),
 * and the run is reported as "ran out of memory", never as a pass or a plain failure.
 *
 * In the sandbox's worker the wrapped `grow` is installed before Pyodide loads and cannot
 * be replaced (project code reaches JavaScript through Pyodide's `js` module); under Node
 * (the unit tests) it stays replaceable.
 */

/** At most this much memory for one run's Python heap. */
export const pythonMemoryLimitBytes = 512 * 1024 * 1024;

const pageBytes = 64 * 1024;

export interface MemoryCap {
  /** Whether a growth past the limit was refused since the last {@link MemoryCap.reset}. */
  readonly exceeded: boolean;
  /** The largest heap size refused, in bytes. */
  readonly refusedBytes: number;
  readonly limitBytes: number;
  reset(): void;
}

let installed: (MemoryCap & { exceeded: boolean; refusedBytes: number }) | undefined;

function inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

/** Caps every WebAssembly memory of this global at `limitBytes` (once; later calls return the same cap). */
export function capWasmMemory(limitBytes = pythonMemoryLimitBytes): MemoryCap {
  if (installed) return installed;
  const cap = {
    exceeded: false,
    refusedBytes: 0,
    limitBytes,
    reset() {
      cap.exceeded = false;
      cap.refusedBytes = 0;
    },
  };
  const prototype = WebAssembly.Memory.prototype;
  const grow = Object.getOwnPropertyDescriptor(prototype, 'grow')?.value as (
    this: WebAssembly.Memory,
    delta: number,
  ) => number;
  function cappedGrow(this: WebAssembly.Memory, delta: number): number {
    const wanted = this.buffer.byteLength + Number(delta) * pageBytes;
    if (wanted > cap.limitBytes) {
      cap.exceeded = true;
      cap.refusedBytes = Math.max(cap.refusedBytes, wanted);
      throw new RangeError(`The run's memory limit (${Math.round(cap.limitBytes / 1048576)} MB) was reached.`);
    }
    return grow.call(this, delta);
  }
  const locked = inWorker();
  Object.defineProperty(prototype, 'grow', { value: cappedGrow, writable: !locked, configurable: !locked });
  installed = cap;
  return cap;
}

/** The sentence for a run that hit the limit. */
export function outOfMemoryReason(cap: MemoryCap): string {
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return (
    `Ran out of memory: the run asked for ${mb(cap.refusedBytes)} MB, more than the ${mb(cap.limitBytes)} MB ` +
    'a run may use (an allocation too large, or one that never stops growing).'
  );
}
