import { type JSX, type ParentProps, Suspense, onMount } from 'solid-js';

const firstViewMark = 'orchestra:first-view';

/** The frame of every view: its heading, a line on what it is for, then its content. */
export function ViewFrame(props: ParentProps<{ title: string; intro: JSX.Element }>) {
  onMount(() => {
    // Read by the `ui` benchmark: when the first view became visible.
    if (performance.getEntriesByName(firstViewMark).length === 0) performance.mark(firstViewMark);
  });
  return (
    <section class="view" aria-labelledby="view-title">
      <h1 id="view-title">{props.title}</h1>
      <p class="intro">{props.intro}</p>
      {/* The frame shows at once; what waits for the engine loads inside it. */}
      <Suspense fallback={<p class="loading">Loading…</p>}>{props.children}</Suspense>
    </section>
  );
}
