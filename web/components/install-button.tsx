import { Show, createSignal } from 'solid-js';

/** Chromium's install prompt event (not in TypeScript's DOM library). */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

// Listened for as soon as the app's code runs: the browser may offer installation before
// the shell has rendered, and it offers it once per page load.
const [offer, setOffer] = createSignal<InstallPromptEvent>();
if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    setOffer(() => event as InstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => setOffer(undefined));
}

/**
 * "Install Orchestra", shown only where the browser offers installation (it fired
 * `beforeinstallprompt`): the browser's own dialog then asks the person.
 */
export function InstallButton() {
  async function install() {
    const event = offer();
    if (!event) return;
    await event.prompt();
    await event.userChoice;
    // The event can be used once: accepted or dismissed, the offer is spent.
    setOffer(undefined);
  }
  return (
    <Show when={offer()}>
      <button type="button" class="small install-button" data-testid="install-button" onClick={() => void install()}>
        Install Orchestra
      </button>
    </Show>
  );
}
