/**
 * Messages of the web Preview. Three documents take part, each in its own origin:
 *
 *   app page (web/checks/preview-frame.ts)
 *     |  MessagePort handed over once, on the frame's load: the app listens to nothing else
 *     v
 *   preview page (/sandbox/preview.html, opaque origin, sandbox allow-scripts)
 *     |  srcdoc: the files as an inert JSON block + the boot script (allowed by its hash)
 *     v
 *   generated page (about:srcdoc, another opaque origin, the same sandbox and policy)
 *     the boot script, before any generated code, posts a MessagePort of its own to the
 *     preview page; console lines come only through it, never through `parent.postMessage`.
 *
 * Everything here crosses `postMessage`, so it is plain, structured-cloneable data. What the
 * generated page sends is untrusted: the preview page checks its shape and caps its sizes.
 */

/** A project file as text, path relative to the project root ("src/app.js"). */
export type PreviewFiles = [path: string, text: string][];

/** App page → preview page. */
export type PreviewCommand =
  | {
      type: 'render';
      /** Increases with every render; lines of an older render are dropped. */
      generation: number;
      files: PreviewFiles;
      /** The HTML file to show; the preview page chooses the project's index.html when absent. */
      page?: string | undefined;
    }
  | { type: 'clear' };

export type PreviewLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface PreviewLine {
  level: PreviewLevel;
  text: string;
  /** Where it came from, as a project path when it was one of the project's files. */
  source?: { path: string; line?: number | undefined; column?: number | undefined } | undefined;
}

/** Preview page → app page. */
export type PreviewEvent =
  | { type: 'ready' }
  | { type: 'rendering'; generation: number; page: string | null }
  | { type: 'loaded'; generation: number; page: string }
  | { type: 'lines'; generation: number; lines: PreviewLine[]; dropped: number }
  /** The generated page tried to navigate its frame away (the navigation is blocked). */
  | { type: 'navigated'; generation: number };

/** Generated page (its boot script) → preview page, on the boot's own port. */
export type BootMessage =
  | { type: 'line'; line: PreviewLine }
  /** A click on a link to another of the project's pages. */
  | { type: 'open'; page: string };

/** The first message the boot script posts to the preview page's window. */
export interface BootHello {
  type: 'orchestra-preview-boot';
  generation: number;
}

/** What the preview page puts in the srcdoc for the boot script to read. */
export interface BootData {
  generation: number;
  page: string;
  files: PreviewFiles;
}

/** The id of the inert JSON block holding {@link BootData} in the generated page's srcdoc. */
export const bootDataId = 'orchestra-preview-data';
