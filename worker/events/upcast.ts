/** Turns a payload of version `n` into version `n + 1`. */
export type Upcaster = (payload: unknown) => unknown;

/** Upcasters by type, then by the version they read. Empty while every type is at version 1. */
export type UpcasterTable = Partial<Record<string, Record<number, Upcaster>>>;

export const upcasters: UpcasterTable = {};

export class UpcastError extends Error {
  override name = 'UpcastError';
}

/**
 * Brings a stored payload up to the current version of its type by applying each
 * upcaster in turn (v1 → v2 → … → current).
 * @example upcast('task-fail', 1, payload, 3, table) // runs table['task-fail'][1], then [2]
 */
export function upcast(
  type: string,
  version: number,
  payload: unknown,
  current: number,
  table: UpcasterTable = upcasters,
): unknown {
  if (version > current) {
    throw new UpcastError(
      `This ${type} event was written by a newer version of Orchestra (schema ${version}); update the app to read it.`,
    );
  }
  let value = payload;
  for (let v = version; v < current; v++) {
    const step = table[type]?.[v];
    if (!step) throw new UpcastError(`No way to read ${type} events of schema version ${v}.`);
    value = step(value);
  }
  return value;
}
