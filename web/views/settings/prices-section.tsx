import { For, Index, Show, createResource, createSignal } from 'solid-js';
import type { ModelPriceRow, ModelPrices, PriceField, RemoteProviderId, Result } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { formatPerMillion } from '../../format/money.ts';
import { retirement } from '../../format/retirement.ts';
import { callEngine } from '../../worker-client.ts';
import { settle } from './command-result.ts';

const providerNames: Record<RemoteProviderId, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  gemini: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible endpoint',
};

const fields: { field: PriceField; label: string; name: string }[] = [
  { field: 'input', label: 'Input', name: 'Input price per million tokens' },
  { field: 'output', label: 'Output', name: 'Output price per million tokens' },
  { field: 'cachedInput', label: 'Cached input', name: 'Cached-input price per million tokens' },
  { field: 'cacheWrite', label: 'Cache write', name: 'Cache-write price per million tokens' },
];

/** What the person typed, as a number; anything else is NaN, which the engine refuses with a sentence. */
const typed = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.trim()));

/**
 * Settings › Model prices: what each model's calls are reserved and charged at, in US
 * dollars per million tokens. Each edit is an event of this device's settings, never of a
 * project, and applies to calls that start after it.
 */
export function PricesSection() {
  const [rows, { mutate }] = createResource(() => settle(callEngine('getPrices')));
  const providers = () => {
    const current = rows.latest;
    const list = current?.ok ? current.value : [];
    return [...new Set(list.map((row) => row.provider))].map((provider) => ({
      provider,
      rows: list.filter((row) => row.provider === provider),
    }));
  };
  const replace = (next: ModelPriceRow) =>
    mutate((current) =>
      current?.ok
        ? {
            ok: true,
            value: current.value.map((row) =>
              row.provider === next.provider && row.model === next.model ? next : row,
            ),
          }
        : current,
    );

  return (
    <section class="prices" aria-labelledby="prices-heading">
      <h2 id="prices-heading">Model prices</h2>
      <p class="hint">
        What each call is reserved and charged at against a project’s budget, in US dollars per million tokens. The
        shipped prices are the providers’ list prices; change them when a provider changes its prices or you pay a
        different rate. A change applies to calls that start after it: a call already running is charged at the price it
        started with. Prices stay on this device and are never put in projects, exports or sync.
      </p>
      <Show when={rows.latest?.ok === false}>
        <Problem
          message={(() => {
            const current = rows.latest;
            return current && !current.ok ? current.message : undefined;
          })()}
        />
      </Show>
      {/* By position: a saved row is a new object, and its form (with its "Saved.") must stay. */}
      <Index each={providers()}>
        {(group) => (
          <div class="price-group">
            <h3>{providerNames[group().provider]}</h3>
            <Index each={group().rows}>{(row) => <PriceRow row={row()} onSaved={replace} />}</Index>
          </div>
        )}
      </Index>
    </section>
  );
}

/** One model's four prices, Save and "Reset to shipped price". */
function PriceRow(props: { row: ModelPriceRow; onSaved: (row: ModelPriceRow) => void }) {
  const [problem, setProblem] = createSignal<string>();
  const [saved, setSaved] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const name = () => (props.row.label === props.row.model ? props.row.model : props.row.label);
  const id = () => `price-${props.row.provider}-${props.row.model}`.replace(/[^A-Za-z0-9_-]/g, '_');

  async function run(command: Promise<Result<ModelPriceRow>>, success: string) {
    setBusy(true);
    setSaved(undefined);
    try {
      const result = await settle(command);
      if (!result.ok) return setProblem(result.message);
      setProblem(undefined);
      props.onSaved(result.value);
      setSaved(success);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="price-row"
      data-testid={id()}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const value = (field: PriceField) => {
          const input = form.elements.namedItem(field);
          return input instanceof HTMLInputElement ? typed(input.value) : Number.NaN;
        };
        const prices: ModelPrices = {
          input: value('input'),
          output: value('output'),
          cachedInput: value('cachedInput'),
          cacheWrite: value('cacheWrite'),
        };
        void run(
          callEngine('setPrice', { provider: props.row.provider, model: props.row.model, prices }),
          'Saved: calls that start from now on are charged at these prices.',
        );
      }}
    >
      <div class="price-model">
        <strong>{name()}</strong>
        <Show when={name() !== props.row.model}>
          {' '}
          <code>{props.row.model}</code>
        </Show>
        <span class="hint" data-testid={`${id()}-source`}>
          {props.row.editedAt !== undefined
            ? ` Your price, set ${new Date(props.row.editedAt).toLocaleString()}.`
            : ' Shipped price.'}
          <Show when={props.row.retiresOn}>{(day) => ` Model ${retirement(day())}.`}</Show>
        </span>
      </div>
      <For each={fields}>
        {(entry) => (
          <label>
            {entry.label}
            <input
              name={entry.field}
              type="text"
              inputmode="decimal"
              autocomplete="off"
              spellcheck={false}
              aria-label={`${entry.name} for ${name()}`}
              value={formatPerMillion(props.row.prices[entry.field], { dollar: false })}
              disabled={busy()}
            />
          </label>
        )}
      </For>
      <div class="actions">
        <button class="button" disabled={busy()} aria-label={`Save prices for ${name()}`}>
          Save
        </button>
        <button
          type="button"
          class="button"
          disabled={busy() || props.row.editedAt === undefined}
          aria-label={`Reset to shipped price for ${name()}`}
          onClick={() =>
            void run(
              callEngine('resetPrice', { provider: props.row.provider, model: props.row.model }),
              'Back to the shipped price for calls that start from now on.',
            )
          }
        >
          Reset to shipped price
        </button>
      </div>
      <Show when={saved()}>
        <p class="hint" role="status">
          {saved()}
        </p>
      </Show>
      <Problem message={problem()} />
    </form>
  );
}
