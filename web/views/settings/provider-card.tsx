import { Show, createSignal } from 'solid-js';
import type { ProviderConfig, RemoteProviderId, Result } from '../../../worker/api.ts';
import { callEngine } from '../../worker-client.ts';
import { describeResult, settle } from './command-result.ts';
import { ModelPicker } from './model-picker.tsx';

/** One provider in Settings: its key, base URL, proxy switch, model and "Test key". */
export function ProviderCard(props: {
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
      setStatus(describeResult(await settle(command), success));
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
      <ModelPicker
        provider={props.id}
        model={props.config?.model}
        busy={busy()}
        onChoose={(model) =>
          void show(callEngine('updateProvider', props.id, { model }), () =>
            model ? 'Model saved.' : 'Model cleared.',
          )
        }
      />
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
