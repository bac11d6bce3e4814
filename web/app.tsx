import { A, type RouteDefinition, Router, useLocation } from '@solidjs/router';
import { For, type ParentProps, Suspense, createEffect, lazy, on } from 'solid-js';
import { EngineStatus } from './components/engine-status.tsx';
import { InstallButton } from './components/install-button.tsx';
import { UpdatePrompt } from './components/update-prompt.tsx';
import { ViewBoundary } from './components/view-boundary.tsx';
import { useThemeFromSettings } from './theme.ts';
import { type ViewEntry, views } from './views/registry.ts';

function Shell(props: ParentProps) {
  useThemeFromSettings();
  let main: HTMLElement | undefined;
  const location = useLocation();
  // Move focus to the new view after a navigation, as a page load would.
  createEffect(
    on(
      () => location.pathname,
      () => main?.focus({ preventScroll: true }),
      { defer: true },
    ),
  );

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <A href="/" class="brand" end>
          <img src="/icons/favicon.svg" alt="" width="28" height="28" />
          Orchestra
        </A>
        <div class="topbar-end">
          <InstallButton />
          <EngineStatus />
        </div>
      </header>
      <nav class="sidenav" aria-label="Views">
        <ul>
          <For each={views}>
            {(view) => (
              <li>
                <A href={view.path} end activeClass="active">
                  {view.title}
                </A>
              </li>
            )}
          </For>
        </ul>
      </nav>
      <main id="main" tabindex="-1" ref={main}>
        {props.children}
      </main>
      <UpdatePrompt />
    </div>
  );
}

function routeFor(view: ViewEntry) {
  const View = lazy(view.load);
  return () => (
    <ViewBoundary title={view.title}>
      <Suspense fallback={<p class="loading">Loading {view.title}…</p>}>
        <View />
      </Suspense>
    </ViewBoundary>
  );
}

function NotFound() {
  return (
    <section class="view" aria-labelledby="view-title">
      <h1 id="view-title">Page not found</h1>
      <p>
        There is nothing at this address. <A href="/">Go to your projects.</A>
      </p>
    </section>
  );
}

const routes: RouteDefinition[] = [
  ...views.map((view) => ({ path: view.path, component: routeFor(view) })),
  { path: '*', component: NotFound },
];

export function App() {
  return <Router root={Shell}>{routes}</Router>;
}
