/** The supervisor's bundle (`supervisor.ts`), built first and embedded in the frame's script. */
declare module 'virtual:orchestra-supervisor' {
  const source: string;
  export default source;
}
