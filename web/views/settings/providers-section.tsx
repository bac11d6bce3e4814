import { For, Show, createResource } from 'solid-js';
import type { KeyStatus, ProviderConfig, RemoteProviderId } from '../../../worker/api.ts';
import { callEngine } from '../../worker-client.ts';
import { PassphraseSettings } from './passphrase-settings.tsx';
import { ProviderCard } from './provider-card.tsx';

const providers: { id: RemoteProviderId; label: string; hint: string }[] = [
  { id: 'anthropic', label: 'Anthropic (Claude)', hint: 'Keys start with sk-ant-.' },
  { id: 'openai', label: 'OpenAI (GPT)', hint: 'Keys start with sk-.' },
  { id: 'gemini', label: 'Google Gemini', hint: 'Keys come from Google AI Studio.' },
  {
    id: 'openai-compatible',
    label: 'OpenAI-compatible endpoint',
    hint: 'Ollama, LM Studio, vLLM, OpenRouter, Groq… Set its base URL, e.g. http://127.0.0.1:11434/v1, then choose its model.',
  },
];

/**
 * Settings › Model providers: keys (kept on this device only, optionally encrypted with a
 * passphrase), base URLs, the proxy switch, the model and "Test key" per provider. Keys go
 * into the engine and never come back out; the page only learns which providers have one.
 */
export function ProvidersSection() {
  const [view, { refetch }] = createResource(() => callEngine('getProviders'));
  const keys = (): KeyStatus | undefined => {
    const current = view();
    return current?.ok ? current.value.keys : undefined;
  };
  const config = (id: RemoteProviderId): ProviderConfig | undefined => {
    const current = view();
    return current?.ok ? current.value.configs.find((entry) => entry.provider === id) : undefined;
  };

  return (
    <section class="providers" aria-labelledby="providers-heading">
      <h2 id="providers-heading">Model providers</h2>
      <p class="hint">
        Keys stay on this device: they are never put in projects, exports, sync or logs. With a passphrase they are
        stored encrypted (AES-GCM, key derived with PBKDF2) and must be unlocked after each restart.
      </p>
      <Show when={view()?.ok === false}>
        <p class="problem" role="alert">
          {(() => {
            const current = view();
            return current && !current.ok ? current.message : '';
          })()}
        </p>
      </Show>
      <PassphraseSettings keys={keys()} onChange={refetch} />
      <For each={providers}>
        {(provider) => (
          <ProviderCard
            {...provider}
            config={config(provider.id)}
            stored={keys()?.stored.includes(provider.id) ?? false}
            onChange={() => void refetch()}
          />
        )}
      </For>
    </section>
  );
}
