/**
 * Chromium isolates sandboxed frames per site, not per frame: the checks frame
 * (`/sandbox/frame.html`), every preview page (`/sandbox/preview.html`) and the generated
 * page inside it share one renderer process, and so one main thread. A generated page
 * stuck in an endless loop holds that thread, and a new sandboxed frame made while any
 * of them is still in the document joins the stuck process and never loads. Preview's
 * Reload is the way out of a stuck page, so it must leave no sandboxed frame behind: the
 * checks frame lets go of its own here (when no run is using it) and is made again after.
 *
 *   checks frame made --register--> held --releaseSandboxFrames (idle)--> removed --> re-made
 *                                        '--releaseSandboxFrames (a run)--> kept
 */

type Release = () => void;

let holder: Release | undefined;

/**
 * The checks host registers how to let go of its frame while idle (`undefined` when it
 * has none). The function removes the frame at once, before it returns.
 */
export function holdSandboxFrame(release: Release | undefined): void {
  holder = release;
}

/**
 * Removes every sandboxed frame this page holds that no run is using, at once, so that
 * the next sandboxed frame starts in a fresh process. Call it just before making one
 * that must not inherit a stuck process (Preview's Reload).
 * @example releaseSandboxFrames(); setFrameKey((key) => key + 1);
 */
export function releaseSandboxFrames(): void {
  holder?.();
}
