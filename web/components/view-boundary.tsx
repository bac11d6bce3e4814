import { ErrorBoundary, type ParentProps } from 'solid-js';

/**
 * Keeps one view's failure inside that view: the rest of the app stays usable, the
 * person sees what happened in plain words, and "Reset this view" renders it afresh
 * (which also reconnects to the engine if it had stopped).
 */
export function ViewBoundary(props: ParentProps<{ title: string }>) {
  return (
    <ErrorBoundary
      fallback={(error: unknown, reset) => (
        <section class="view view-error" role="alert" aria-labelledby="view-error-title">
          <h1 id="view-error-title">{props.title} ran into a problem</h1>
          <p>
            This view stopped working. Your projects and data are safe: they are kept by the engine, not by this view.
          </p>
          <details>
            <summary>What went wrong</summary>
            <p class="error-detail">{error instanceof Error ? error.message : String(error)}</p>
          </details>
          <button type="button" class="primary" onClick={reset}>
            Reset this view
          </button>
        </section>
      )}
    >
      {props.children}
    </ErrorBoundary>
  );
}
