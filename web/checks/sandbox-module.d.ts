/** Built by `server/build/sandbox-plugin.ts`: where the code-running frame and runtimes are. */
declare module 'virtual:orchestra-sandbox' {
  export const frameUrl: string;
  /** The web Preview's page (sandbox/preview/). */
  export const previewUrl: string;
  /** Runtime name ("node", "python") → the URL of its bundle. */
  export const runtimeUrls: ReadonlyMap<string, string>;
  /** The runtimes that ship files besides their code, listed by `/sandbox/<runtime>/assets.json`. */
  export const assetRuntimes: ReadonlySet<string>;
}
