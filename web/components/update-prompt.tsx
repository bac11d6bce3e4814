import { Show, createEffect, onCleanup } from 'solid-js';
import { useRegisterSW } from 'virtual:pwa-register/solid';

const updateCheckEveryMs = 60 * 60 * 1000;
/** The "saved for offline use" note is news, not a question: it goes by itself. */
const offlineNoteMs = 8000;

/**
 * Tells the person when a new version has been deployed and lets them choose when to
 * switch, since reloading in the middle of a run is their call. Also says once when
 * the app has been saved for offline use.
 */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine) registration.update().catch(() => undefined);
      }, updateCheckEveryMs);
    },
  });

  // It sits over the corner of the view: left up, it would cover buttons there.
  createEffect(() => {
    if (!offlineReady()) return;
    const timer = setTimeout(() => setOfflineReady(false), offlineNoteMs);
    onCleanup(() => clearTimeout(timer));
  });

  return (
    <div class="toasts" role="status" aria-live="polite">
      <Show when={needRefresh()}>
        <div class="toast" data-testid="update-prompt">
          <span>A new version of Orchestra is available.</span>
          <button type="button" class="primary" onClick={() => void updateServiceWorker(true)}>
            Reload
          </button>
          <button type="button" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </div>
      </Show>
      <Show when={offlineReady()}>
        <div class="toast" data-testid="offline-ready">
          <span>Orchestra is saved on this device and opens without a network.</span>
          <button type="button" onClick={() => setOfflineReady(false)}>
            OK
          </button>
        </div>
      </Show>
    </div>
  );
}
