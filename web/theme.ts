import { createEffect, createSignal } from 'solid-js';
import type { Theme } from '../worker/api.ts';
import { callEngine } from './worker-client.ts';

const [theme, setThemeSignal] = createSignal<Theme>('system');

/** The theme the person chose; `system` follows the operating system's setting. */
export { theme };

/**
 * Loads the saved theme from the engine once and keeps `<html data-theme>` in step.
 * Call it once, from the app shell.
 */
export function useThemeFromSettings(): void {
  createEffect(() => {
    const chosen = theme();
    if (chosen === 'system') delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = chosen;
  });
  callEngine('getSettings').then(
    (result) => {
      if (result.ok) setThemeSignal(result.value.theme);
    },
    // The engine's status shows in the header; the theme simply stays on `system`.
    () => undefined,
  );
}

/** Saves a theme through the engine and applies it; returns the engine's failure message, if any. */
export async function saveTheme(next: Theme): Promise<string | undefined> {
  const result = await callEngine('updateSettings', { theme: next });
  if (!result.ok) return result.message;
  setThemeSignal(result.value.theme);
  return undefined;
}
