/**
 * Chromium isolates sandboxed frames per site, not per frame: the checks frame
 * (`/sandbox/frame.html`), every preview page (`/sandbox/preview.html`) and the generated
 * page inside it share one renderer process, and so one main thread. A generated page
 * stuck in an endless loop holds that thread, and a new sandboxed frame made while any
 * of them is still in the document joins the stuck process and never loads. Preview's
 * Reload is the way out of a stuck page, so it must leave no sandboxed frame behind: the
 * checks frame lets go of its own here and is made again after. A run in flight does not
 * need the frame's thread (it talks to the frame's supervisor worker), but it needs the
 * frame: then the Reload waits, either for the frame's page to answer (the thread is free,
 * nothing is stuck, so the new frame may join it) or for the run to end.
 *
 *   checks frame made --register--> held --release (idle)-----------------> removed, then Reload, re-made
 *                                        '--release (a run)--pong----------> kept, then Reload
 *                                                           '--run ends----> removed, then Reload, re-made
 */

type Release = (then: () => void) => void;

let holder: Release | undefined;

/**
 * The checks host registers how to let go of its frame (`undefined` when it has none).
 * The function calls `then` once a new sandboxed frame would not join a stuck process:
 * at once when it could remove the frame, later when a run holds it.
 */
export function holdSandboxFrame(release: Release | undefined): void {
  holder = release;
}

/**
 * Lets go of every sandboxed frame this page holds, then calls `then`: the moment to make
 * a sandboxed frame that must not inherit a stuck process (Preview's Reload), after
 * removing one's own. `then` runs at once unless a test run holds the checks frame.
 * @example releaseSandboxFrames(() => setFrameKey((key) => key + 1));
 */
export function releaseSandboxFrames(then: () => void): void {
  if (holder) holder(then);
  else then();
}
