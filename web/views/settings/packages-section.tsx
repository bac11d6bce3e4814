import { Show, createResource, createSignal } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';

/**
 * Where a test run's npm packages come from. Nothing is downloaded without the person's
 * "Allow downloads for this run" on the Checks panel; a registry other than
 * registry.npmjs.org also needs its origin in the server's ORCHESTRA_CONNECT_SRC.
 */
export function PackagesSection() {
  const [settings, { mutate }] = createResource(async () => {
    const loaded = await callEngine('getSettings');
    return loaded.ok ? loaded.value : undefined;
  });
  const [problem, setProblem] = createSignal<string>();
  const [saved, setSaved] = createSignal(false);

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
      <Problem message={problem()} />
    </section>
  );
}
