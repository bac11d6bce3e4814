import fc from 'fast-check';

/** Keys that a plain object answers from Object.prototype. */
export const prototypeNames = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

/** A hostile name: a prototype key, one dressed as an extension or a folder, or any string. */
export const hostileName = fc.oneof(
  fc.constantFrom(...prototypeNames),
  fc.constantFrom(...prototypeNames).map((name) => `x.${name}`),
  fc.constantFrom(...prototypeNames).map((name) => `${name}/${name}.${name}`),
  fc.constantFrom(...prototypeNames).map((name) => name.toUpperCase()),
  fc.string({ maxLength: 40 }),
);
