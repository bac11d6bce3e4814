type Target = HTMLElement | null | undefined;

/**
 * Moves focus to what an action produced, but only when focus was lost (the pressed
 * button went away or was disabled): a person who has moved on elsewhere is not pulled back. Waits a frame for the element to be laid out.
 * @example focusIfLost(planHeading) // after "Start" made a plan
 */
export function focusIfLost(target: Target | (() => Target)): void {
  requestAnimationFrame(() => {
    const active = document.activeElement;
    // A pressed button that is now disabled still holds focus until the browser's next
    // focus fix-up, but focus there is as good as lost.
    // Focus parked on a stand-in (the run's status, after a control) yields to what the
    // action itself produced.
    const lost =
      active === null ||
      active === document.body ||
      (active as HTMLButtonElement).disabled === true ||
      active.hasAttribute('data-focus-fallback');
    if (!lost) return;
    const element = typeof target === 'function' ? target() : target;
    element?.focus({ preventScroll: false });
  });
}
