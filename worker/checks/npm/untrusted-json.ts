/**
 * Reading manifests and lockfiles a project (so a model) wrote: every value is checked
 * for its shape before use, and keys stay data.
 */

/** The value as a plain object, or undefined for anything else (null, an array, a string). */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The string-valued entries of an object (a dependency map); none for anything else. */
export function stringEntries(value: unknown): [string, string][] {
  return Object.entries(objectOf(value) ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
}
