import { For, Show, createResource, createSignal } from 'solid-js';
import type { KeyStatus, ProviderConfig, RemoteProviderId, Result } from '../../../worker/api.ts';
import { callEngine } from '../../worker-client.ts';

const providers: { id: RemoteProviderId; label: string; hint: string }[] = [
  { id: 'anthropic', label: 'Anthropic (Claude)', hint: 'Keys start with sk-ant-.' },
  { id: 'openai', label: 'OpenAI (GPT)', hint: 'Keys start with sk-.' },
  { id: 'gemini', label: 'Google Gemini', hint: 'Keys come from Google AI Studio.' },
  {
    id: 'openai-compatible',
    label: 'OpenAI-compatible endpoint',
    hint: 'Ollama, LM Studio, vLLM, OpenRouter, Groq… Set its base URL, e.g. http://127.0.0.1:11434/v1.',
  },
];

function describe<T>(result: Result<T>, success: (value: T) => string): string {
  return result.ok ? success(result.value) : result.message;
}

/**
 * Settings › Model providers: keys (kept on this device only, optionally encrypted with a
 * passphrase), base URLs, the proxy switch and "Test key" per provider. Keys go into the
 * engine and never come back out; the page only learns which providers have one.
 */
export function ProvidersSection() {
  const [view, { refetch }] = createResource(() => callEngine('getProviders'));
  const [notice, setNotice] = createSignal<string>();
  const keys = (): KeyStatus | undefined => {
    const current = view();
    return current?.ok ? current.value.keys : undefined;
  };
  const config = (id: RemoteProviderId): ProviderConfig | undefined => {
    const current = view();
    return current?.ok ? current.value.configs.find((entry) => entry.provider === id) : undefined;
  };

  async function passphraseAction(form: HTMLFormElement, action: 'setPassphrase' | 'unlockKeys') {
    const input = form.elements.namedItem('passphrase') as HTMLInputElement;
    const result = await callEngine(action, input.value);
    input.value = '';
    setNotice(describe(result, () => (action === 'setPassphrase' ? 'Your keys are now encrypted.' : 'Keys unlocked.')));
    await refetch();
  }

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
      <form
        class="passphrase"
        data-testid="passphrase"
        onSubmit={(event) => {
          event.preventDefault();
          void passphraseAction(event.currentTarget, keys()?.encrypted ? 'unlockKeys' : 'setPassphrase');
        }}
      >
        <p data-testid="key-status">
          {keys()?.encrypted
            ? keys()?.unlocked
              ? 'Keys are encrypted and unlocked for this session.'
              : 'Keys are encrypted and locked.'
            : 'Keys are stored without a passphrase.'}
        </p>
        <Show when={!keys()?.encrypted || !keys()?.unlocked}>
          <label>
            {keys()?.encrypted ? 'Passphrase' : 'New passphrase (8 characters or more)'}
            <input name="passphrase" type="password" autocomplete="off" required minLength={8} />
          </label>
          <button class="button">{keys()?.encrypted ? 'Unlock keys' : 'Encrypt keys'}</button>
        </Show>
        <Show when={keys()?.encrypted && keys()?.unlocked}>
          <button type="button" class="button" onClick={() => void callEngine('lockKeys').then(() => refetch())}>
            Lock keys
          </button>
        </Show>
      </form>
      <Show when={notice()}>
        <p role="status" data-testid="providers-notice">
          {notice()}
        </p>
      </Show>
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

function ProviderCard(props: {
  id: RemoteProviderId;
  label: string;
  hint: string;
  config: ProviderConfig | undefined;
  stored: boolean;
  onChange: () => void;
}) {
  const [status, setStatus] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  /** Shows how a command ended, then lets the section reload what changed. */
  async function show<T>(command: Promise<Result<T>>, success: (value: T) => string) {
    setBusy(true);
    try {
      setStatus(describe(await command, success));
    } finally {
      setBusy(false);
      props.onChange();
    }
  }

  return (
    <fieldset class="provider" data-testid={`provider-${props.id}`}>
      <legend>{props.label}</legend>
      <p class="hint">{props.hint}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const input = event.currentTarget.elements.namedItem('key') as HTMLInputElement;
          const command = callEngine('setKey', props.id, input.value);
          input.value = '';
          void show(command, () => 'Key saved on this device.');
        }}
      >
        <label>
          API key {props.stored ? '(one is stored)' : ''}
          <input name="key" type="password" autocomplete="off" spellcheck={false} required />
        </label>
        <button class="button" disabled={busy()}>
          Save key
        </button>
      </form>
      <label>
        Base URL
        <input
          name="base-url"
          type="url"
          placeholder="The provider's own API"
          value={props.config?.baseUrl ?? ''}
          onChange={(event) => {
            const command = callEngine('updateProvider', props.id, { baseUrl: event.currentTarget.value.trim() });
            void show(command, () => 'Base URL saved.');
          }}
        />
      </label>
      <Show when={props.id !== 'openai-compatible'}>
        <label>
          <input
            type="checkbox"
            name="use-proxy"
            checked={props.config?.useProxy ?? false}
            onChange={(event) => {
              const useProxy = event.currentTarget.checked;
              void show(callEngine('updateProvider', props.id, { useProxy }), () =>
                useProxy ? 'Calls go through this server’s proxy.' : 'Calls go straight to the provider.',
              );
            }}
          />
          Call through the Orchestra server’s proxy
        </label>
        <Show when={props.config?.useProxy}>
          <label>
            Proxy token (only when the server holds the keys)
            <input
              name="proxy-token"
              type="password"
              autocomplete="off"
              onChange={(event) => {
                const command = callEngine('updateProvider', props.id, {
                  proxyToken: event.currentTarget.value.trim(),
                });
                void show(command, () => 'Proxy token saved.');
              }}
            />
          </label>
        </Show>
      </Show>
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={busy() || (!props.stored && !props.config?.proxyToken)}
          onClick={() =>
            void show(
              callEngine('testKey', props.id),
              (value) => `The key works: ${value.models} models available (${value.latencyMs} ms).`,
            )
          }
        >
          Test key
        </button>
        <Show when={props.stored}>
          <button
            type="button"
            class="button"
            disabled={busy()}
            onClick={() => void show(callEngine('removeKey', props.id), () => 'Key removed.')}
          >
            Remove key
          </button>
        </Show>
      </div>
      <Show when={status()}>
        <p role="status" data-testid={`provider-${props.id}-status`}>
          {status()}
        </p>
      </Show>
    </fieldset>
  );
}
