/** Built by `server/build/sandbox-plugin.ts`: the generated page's boot script, allowed by its hash. */
declare module 'virtual:orchestra-preview-boot' {
  const code: string;
  export default code;
}
