import { A } from '@solidjs/router';
import { For, Show, createResource } from 'solid-js';
import { startSource, waitingSentence } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';

/** Which model providers can work on the project now, and where to add what is missing. */
export function ProviderReadiness() {
  const [readiness] = createResource(() => callEngine('providerReadiness'));
  const list = () => {
    const current = readiness.state === 'ready' ? readiness() : undefined;
    return current?.ok ? current.value : [];
  };
  const problem = () => {
    if (readiness.state === 'errored') return 'The engine could not say which providers are ready.';
    const current = readiness.state === 'ready' ? readiness() : undefined;
    return current && !current.ok ? current.message : undefined;
  };
  const source = () => startSource(list().filter((entry) => entry.provider !== 'template'));
  return (
    <section class="readiness" aria-labelledby="readiness-title" data-testid="provider-readiness">
      <h2 id="readiness-title">Model providers</h2>
      <Problem message={problem()} />
      <ul class="readiness-list">
        <For each={list()}>
          {(entry) => (
            <li data-ready={entry.ready ? 'yes' : 'no'}>
              <span class="status-dot" aria-hidden="true" />
              <strong>{entry.label}</strong> — {entry.ready ? 'ready' : 'not ready'}
              <span class="hint"> · {entry.detail}</span>
            </li>
          )}
        </For>
      </ul>
      <Show when={list().length > 0 && source() === 'template'}>
        <p class="hint">
          No model key is set up, so the <strong>Template (no AI)</strong> provider will build a runnable starter
          project instead. <A href="/settings">Add a key in Settings</A> to have AI agents build it.
        </p>
      </Show>
      <Show when={source() === 'locked'}>
        <p class="hint" data-testid="keys-locked">
          Your model keys are locked: Start asks for your passphrase, then AI agents build the project.
        </p>
      </Show>
      <Show when={source() === 'waiting'}>
        <p class="hint" data-testid="providers-waiting">
          {waitingSentence(list(), 'press Start')}
        </p>
      </Show>
      <Show when={source() === 'models'}>
        <p class="hint">
          Keys and endpoints are managed in <A href="/settings">Settings</A>.
        </p>
      </Show>
    </section>
  );
}
