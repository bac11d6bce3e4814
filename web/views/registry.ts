import type { Component } from 'solid-js';

/** One entry per view: its address, its name in the navigation, and its lazily loaded code. */
export interface ViewEntry {
  path: string;
  title: string;
  load: () => Promise<{ default: Component }>;
}

export const views: readonly ViewEntry[] = [
  { path: '/', title: 'Projects', load: () => import('./projects/index.tsx') },
  { path: '/new', title: 'New project', load: () => import('./new-project/index.tsx') },
  { path: '/run', title: 'Live run', load: () => import('./run/index.tsx') },
  { path: '/artifacts', title: 'Artifacts', load: () => import('./artifacts/index.tsx') },
  { path: '/replay', title: 'Replay', load: () => import('./replay/index.tsx') },
  { path: '/router', title: 'Router & costs', load: () => import('./router/index.tsx') },
  { path: '/data', title: 'Data', load: () => import('./data/index.tsx') },
  { path: '/settings', title: 'Settings', load: () => import('./settings/index.tsx') },
];
