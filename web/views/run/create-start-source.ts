import { createEffect, createResource, onCleanup } from 'solid-js';
import { type StartSource, startSource } from '../../../worker/query/index.ts';
import { callEngine } from '../../worker-client.ts';

/**
 * What Start would build with on this device now (models, nothing until the keys are
 * unlocked or a provider is ready, or a template), read from the engine's provider readiness: the same facts the
 * engine acts on, through the same function. `refresh` after the keys change.
 * @example const keys = createStartSource(); keys.source() // 'locked'
 */
export function createStartSource() {
  const [readiness, { refetch }] = createResource(() => callEngine('providerReadiness'));
  const source = (): StartSource | undefined => {
    const current = readiness.state === 'ready' ? readiness() : undefined;
    if (!current?.ok) return undefined;
    return startSource(current.value.filter((entry) => entry.provider !== 'template'));
  };
  // A provider paused after failures comes back by itself: ask again until it does.
  createEffect(() => {
    if (source() !== 'waiting') return;
    const timer = setInterval(() => void refetch(), 10_000);
    onCleanup(() => clearInterval(timer));
  });
  return { source, refresh: () => void refetch() };
}
