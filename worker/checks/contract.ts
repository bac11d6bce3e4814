/**
 * The door between the engine and the code-running sandbox ("Run and check").
 *
 * Generated code is untrusted. It runs only in an opaque-origin sandboxed frame
 * (`sandbox/`), in a worker inside it, with no network unless the person allows it, a
 * time limit and a memory bound. The engine sends a {@link CheckRequest} (the project's
 * files as plain data) and receives {@link CheckProgress} messages, ending with one
 * `done` carrying a {@link CheckReport}. Everything that comes back is data from
 * untrusted code: the engine checks it with `checkReportSchema` before it becomes an
 * event, caps its sizes, and never uses a name in it as a key into a plain object.
 *
 *   engine (worker/)  --CheckRequest-->  page (web/checks/)  --postMessage-->  frame (sandbox/)
 *                                                                              |  new Worker(blob:)
 *                                                                              v
 *                                                                  runtime (sandbox/node|python)
 *   engine  <--CheckProgress*, done(CheckReport)-------------------------------'
 *
 * A runtime is a module whose default export is a {@link CheckRuntimeModule}; the same
 * module runs under Node in unit tests (it must not reach for Node's own built-ins: the
 * sandbox has none) and in the frame's worker in the browser.
 */

/** Which runtime runs a project's checks. `web` is the preview and browser DOM tests. */
export type CheckRuntimeName = 'node' | 'python' | 'web';

/** A file of the project as it stands, path relative to the project root ("src/a.js"). */
export interface CheckFile {
  path: string;
  content: string;
}

export interface CheckRequest {
  runtime: CheckRuntimeName;
  files: CheckFile[];
  /** Only these files are run as test files; when absent the runtime discovers them. */
  testFiles?: string[] | undefined;
  /** The whole run's time limit; the sandbox ends the run when it passes. Default 60 s. */
  timeoutMs: number;
  /** Whether dependency installs may use the network for this run. Nothing else ever may. */
  allowNetwork: boolean;
}

export type CheckCaseStatus = 'pass' | 'fail' | 'error' | 'skip' | 'todo';

/** Where in the project a failure points: the deepest stack frame inside a project file. */
export interface CheckLocation {
  path: string;
  line: number;
  column?: number | undefined;
}

/** One test case's result. */
export interface CheckCase {
  /** The test file it is declared in, project-relative. */
  file: string;
  /** Its name with its suites, outermost first: ["items", "can be created"]. */
  name: string[];
  status: CheckCaseStatus;
  durationMs: number;
  /** The failure's message (assertion diff included), for fail and error. */
  message?: string | undefined;
  /** The failure's stack, with frames rewritten to project paths where they are ours. */
  stack?: string | undefined;
  location?: CheckLocation | undefined;
}

/** How a test file went as a whole: `error` when it could not even load (syntax, import). */
export interface CheckFileResult {
  file: string;
  status: 'pass' | 'fail' | 'error' | 'skip';
  durationMs: number;
  /** Why the file failed to load or run, when `status` is `error`. */
  message?: string | undefined;
  location?: CheckLocation | undefined;
}

/**
 * How the run ended. Only `completed` means the counts are the suite's; every other
 * outcome says in `reason` what stopped it, and a suite that could not run is never
 * reported as passed.
 */
export type CheckOutcome =
  | 'completed'
  | 'timed-out'
  | 'out-of-memory'
  | 'stopped'
  | 'crashed'
  /** Nothing to run, or the project cannot run here (a missing dependency, no tests…). */
  | 'not-runnable';

export interface CheckCounts {
  pass: number;
  fail: number;
  error: number;
  skip: number;
  todo: number;
}

export interface CheckReport {
  runtime: CheckRuntimeName;
  outcome: CheckOutcome;
  /** One sentence a person understands, for every outcome but `completed`. */
  reason?: string | undefined;
  files: CheckFileResult[];
  cases: CheckCase[];
  counts: CheckCounts;
  /** Captured stdout and stderr, interleaved, capped by the runtime. */
  output: string;
  durationMs: number;
  /** The command that reruns the same suite on a developer's machine: "node --test". */
  command: string;
}

/** What a runtime reports while it runs, in order; exactly one `done`, last. */
export type CheckProgress =
  | { type: 'phase'; phase: 'loading' | 'installing' | 'running'; detail?: string | undefined }
  | { type: 'file-start'; file: string; index: number; total: number }
  | { type: 'case'; case: CheckCase }
  | { type: 'file-end'; result: CheckFileResult }
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'done'; report: CheckReport };

/**
 * Bytes a runtime needs that the page fetched for it (the frame has no network and no
 * service worker): the Pyodide files, a vendored package archive… keyed by file name.
 * In the browser they arrive as Blobs: a Blob crosses `postMessage` (page → frame →
 * worker, between processes) by reference, where an ArrayBuffer's bytes are copied
 * each time; the runtime reads each one when, and only if, it needs it.
 */
export type CheckAssets = ReadonlyMap<string, AssetContent>;

/** One asset's content: a Blob in the browser, bytes or text where it was read directly. */
export type AssetContent = Blob | ArrayBuffer | string;

/** What a runtime module exports by default. */
export interface CheckRuntimeModule {
  name: CheckRuntimeName;
  /**
   * Runs the request's test suite and resolves with its report; `emit` receives every
   * progress message before the report (the `done` message is sent by the caller).
   * A runtime never throws for a problem of the project: it reports it.
   */
  run(request: CheckRequest, assets: CheckAssets, emit: (progress: CheckProgress) => void): Promise<CheckReport>;
  /**
   * Optional: loads what the runtime needs before a run is asked for (Python: Pyodide
   * started, the harness imported), in a worker that no project code has reached yet.
   * `run` then finds it ready. Never runs project code; a failure is reported by `run`.
   */
  prepare?(assets: CheckAssets): Promise<void>;
}
