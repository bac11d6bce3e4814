/**
 * A built-in module's exports: a namespace of fixed names written here, never a table
 * looked up with names from the project.
 */
export type ModuleExports = { [name: string]: unknown };
