import { For, Show, createResource, createSignal } from 'solid-js';
import type { ModelInfo, RemoteProviderId } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { settle } from './command-result.ts';
import { retirement } from '../../format/retirement.ts';

/**
 * A provider's model: "Fetch models" asks the engine for the catalog's models plus the
 * endpoint's own list, and the select saves the one chosen (through `onChoose`). Until
 * then the select offers the saved model only, so what is saved is always on show.
 */
export function ModelPicker(props: {
  provider: RemoteProviderId;
  /** The saved model, if any. */
  model: string | undefined;
  busy: boolean;
  onChoose: (model: string) => void;
}) {
  const [asked, setAsked] = createSignal(0);
  // Nothing is fetched until the button is pressed; each press fetches again.
  const [listing] = createResource(
    () => (asked() > 0 ? { provider: props.provider, asked: asked() } : false),
    (source) => settle(callEngine('listModels', source.provider)),
  );
  const compatible = () => props.provider === 'openai-compatible';
  const listed = (): ModelInfo[] => {
    const result = listing.latest;
    return result?.ok ? result.value.models : [];
  };
  const failure = (): string | undefined => {
    const result = listing.latest;
    if (!result) return undefined;
    if (!result.ok) return `Could not list the models: ${result.message}`;
    return result.value.problem
      ? `Could not ask the endpoint for its models, so these are the ones Orchestra knows: ${result.value.problem}`
      : undefined;
  };
  /** The listed models, with the saved one first when the list does not have it. */
  const options = (): ModelInfo[] => {
    const saved = props.model;
    const models = listed();
    return saved && !models.some((model) => model.id === saved) ? [{ id: saved, label: saved }, ...models] : models;
  };

  return (
    <div class="models">
      {/* A label beside the select, not around it: its name stays "Model", not the chosen option too. */}
      <label for={`model-${props.provider}`}>Model</label>
      <div class="model-choice">
        <select
          id={`model-${props.provider}`}
          name="model"
          disabled={props.busy}
          onChange={(event) => props.onChoose(event.currentTarget.value)}
        >
          <option value="" selected={!props.model}>
            {compatible() ? 'Choose a model' : 'No model chosen'}
          </option>
          <For each={options()}>
            {(model) => (
              <option value={model.id} selected={model.id === props.model}>
                {model.label === model.id ? model.id : `${model.label} (${model.id})`}
                {model.retiresOn ? ` — ${retirement(model.retiresOn)}` : ''}
              </option>
            )}
          </For>
        </select>
        <button type="button" class="button" disabled={listing.loading} onClick={() => setAsked((count) => count + 1)}>
          {listing.loading ? 'Fetching models…' : 'Fetch models'}
        </button>
      </div>
      <p class="hint">
        {compatible()
          ? 'Agents use this model for every call to this endpoint; it cannot be used until one is chosen.'
          : 'Saved for this provider. Agents still pick, task by task, among the models Orchestra knows for it.'}
      </p>
      <Show when={listing.latest?.ok && !listing.loading}>
        <p class="hint" data-testid={`provider-${props.provider}-models`}>
          {listed().length === 1 ? '1 model to choose from.' : `${listed().length} models to choose from.`}
        </p>
      </Show>
      <Problem message={failure()} />
      <Show when={compatible() && failure()}>
        <label>
          Or type the model’s name
          <input
            name="model-name"
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={props.model ?? ''}
            onChange={(event) => props.onChoose(event.currentTarget.value.trim())}
          />
        </label>
      </Show>
    </div>
  );
}
