import { createSignal, onCleanup } from 'solid-js';

/** The time now, updated every `everyMs` while the calling component is alive (for ticking clocks). */
export function createNow(everyMs = 1000): () => number {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), everyMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
