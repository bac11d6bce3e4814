/** Built by `server/build/sandbox-plugin.ts`: where the code-running frame and runtimes are. */
declare module 'virtual:orchestra-sandbox' {
  export const frameUrl: string;
  /** Runtime name ("node", "python") → the URL of its bundle. */
  export const runtimeUrls: ReadonlyMap<string, string>;
}
