import { monotonicFactory } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/**
 * A uniform fraction in [0, 1) from the platform's cryptographic generator, drawn 4 KiB
 * at a time. A ULID takes one draw per character, and asking the platform for one byte
 * at a time cost more than everything else in making an event's envelope.
 */
export function randomFraction(): number {
  if (next >= pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  return (pool[next++] ?? 0) / 256;
}

/** ULIDs that sort in the order they were made, even within one millisecond. */
export function eventIds(): () => string {
  return monotonicFactory(randomFraction);
}

/** A ULID from the pooled generator, for ids made on every call (reservations). */
export const pooledUlid = eventIds();
