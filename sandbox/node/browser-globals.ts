/**
 * Tests written for a browser reach for `document` or `window`, which the sandbox's
 * worker does not have: the runtime runs a suite as `node --test` runs it, and Node has no
 * DOM either. Such a test fails with Node's own "document is not defined"; this adds a
 * sentence saying why, so the person (and the Debugger, whose findings come from the
 * message) read a missing DOM, not a bug in the code under test.
 */

/** Globals only a browser page has: neither Node nor a worker defines them. */
const pageOnly =
  /^(?:document|window|HTML\w*Element|SVG\w*Element|Element|Node|NodeList|DOMParser|getComputedStyle|customElements|MutationObserver|IntersectionObserver|ResizeObserver|alert|confirm|prompt)$/;

/**
 * The sentence to add to a failure's message when it is a page-only global that is not
 * defined, else undefined.
 * @example browserOnlyHint('ReferenceError', 'document is not defined')
 * // "This test needs a browser DOM (`document`), which the sandbox does not have: …"
 */
export function browserOnlyHint(name: string, message: string): string | undefined {
  if (name !== 'ReferenceError') return undefined;
  const missing = /^(\S+) is not defined$/.exec(message)?.[1];
  if (missing === undefined || !pageOnly.test(missing)) return undefined;
  return (
    `This test needs a browser DOM (\`${missing}\`), which the sandbox does not have: it runs tests as ` +
    '`node --test` does, and Node has no DOM either. Test the logic apart from the page, or have the test ' +
    'set up a DOM of its own.'
  );
}
