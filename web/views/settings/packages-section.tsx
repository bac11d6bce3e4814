import { Show, createResource, createSignal } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { formatBytes } from '../data/format-bytes.ts';

/**
 * Where a test run's npm packages come from. Nothing is downloaded without the person's
 * "Allow downloads for this run" on the Checks panel; a registry other than
 * registry.npmjs.org also needs its origin in the server's ORCHESTRA_CONNECT_SRC. The
 * packages kept for offline runs are counted here and can be cleared.
 */
export function PackagesSection() {
  const [settings, { mutate }] = createResource(async () => {
    const loaded = await callEngine('getSettings');
    return loaded.ok ? loaded.value : undefined;
  });
  const [problem, setProblem] = createSignal<string>();
  const [saved, setSaved] = createSignal(false);
  const [cache, { mutate: setCache }] = createResource(async () => {
    const usage = await callEngine('packageCacheUsage');
    return usage.ok ? usage.value : null;
  });
  const [clearing, setClearing] = createSignal(false);
  const [cleared, setCleared] = createSignal(false);

  async function clearCache() {
    setClearing(true);
    setCleared(false);
    try {
      const result = await callEngine('clearPackageCache');
      if (!result.ok) return setProblem(result.message);
      setCache(result.value);
      setProblem(undefined);
      setCleared(true);
    } finally {
      setClearing(false);
    }
  }

  async function save(value: string) {
    setSaved(false);
    const result = await callEngine('updateSettings', { npmRegistry: value.trim() });
    if (!result.ok) return setProblem(result.message);
    mutate(result.value);
    setProblem(undefined);
    setSaved(true);
  }

  return (
    <section class="packages" aria-labelledby="packages-heading">
      <h2 id="packages-heading">Test runs</h2>
      <p class="hint">
        A project's tests may need npm packages. Orchestra downloads them only when you allow it for a run, from this
        registry, and keeps them on this device for offline runs.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const input = event.currentTarget.elements.namedItem('npm-registry');
          if (input instanceof HTMLInputElement) void save(input.value);
        }}
      >
        <label>
          npm registry
          <input name="npm-registry" type="url" value={settings()?.npmRegistry ?? ''} required />
        </label>{' '}
        <button type="submit" class="button">
          Save registry
        </button>
        <Show when={saved()}>
          <span class="hint" role="status">
            {' '}
            Saved.
          </span>
        </Show>
      </form>
      <Show when={cache()}>
        {(usage) => (
          <p class="package-cache">
            <span data-testid="package-cache-usage">
              {usage().bytes === 0
                ? 'The package cache is empty.'
                : `The package cache holds ${usage().archives} package${usage().archives === 1 ? '' : 's'} (${formatBytes(usage().bytes)}) on this device.`}
            </span>{' '}
            <button
              type="button"
              class="button"
              disabled={clearing() || usage().bytes === 0}
              onClick={() => void clearCache()}
            >
              Clear package cache
            </button>
            <Show when={cleared()}>
              <span class="hint" role="status">
                {' '}
                Cleared: runs download packages again, only when you allow it.
              </span>
            </Show>
          </p>
        )}
      </Show>
      <Problem message={problem()} />
    </section>
  );
}
