type Target = HTMLElement | null | undefined;

/**
 * Moves focus to what an action produced, but only when focus was lost (the pressed
 * button went away or was disabled, leaving it on the page itself): a person who has
 * moved on elsewhere is not pulled back. Waits a frame for the element to be laid out.
 * @example focusIfLost(planHeading) // after "Start" made a plan
 */
export function focusIfLost(target: Target | (() => Target)): void {
  requestAnimationFrame(() => {
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    const element = typeof target === 'function' ? target() : target;
    element?.focus({ preventScroll: false });
  });
}
