import type { ModelInfo } from './contract/provider-adapter.ts';
import type { ProviderId } from './contract/provider-id.ts';
import type { Usage } from './contract/usage.ts';

/** Prices in US dollars per million tokens, as each provider lists them. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache. */
  cachedInput: number;
  /**
   * Input tokens written to the prompt cache: 1.25× input on Anthropic (5-minute
   * lifetime); OpenAI and Gemini's implicit cache charge nothing extra (the input price).
   */
  cacheWrite: number;
}

export interface CatalogModel extends ModelInfo {
  provider: ProviderId;
  contextTokens: number;
  price: ModelPrice;
  /**
   * The day the provider retires the model (UTC, YYYY-MM-DD): from then on it is never
   * routed to. Taken from the provider's SDK where it lists end-of-life dates (Anthropic's
   * `DEPRECATED_MODELS`; a unit test keeps the two in step).
   */
  retiresOn?: string;
}

/**
 * The models Orchestra knows out of the box. Prices change: this list is a starting
 * point for the cost governor, and models fetched from an endpoint without a listed
 * price cost whatever Settings says (zero for local endpoints).
 */
export const catalog: readonly CatalogModel[] = [
  model('anthropic', 'claude-opus-4-1', 'Claude Opus 4.1', 200_000, [15, 75, 1.5]),
  model('anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', 200_000, [3, 15, 0.3], '2026-11-30'),
  model(
    'anthropic',
    'claude-sonnet-4-5-20250929',
    'Claude Sonnet 4.5 (2025-09-29)',
    200_000,
    [3, 15, 0.3],
    '2026-11-30',
  ),
  model('anthropic', 'claude-haiku-4-5', 'Claude Haiku 4.5', 200_000, [1, 5, 0.1]),
  model('openai', 'gpt-5', 'GPT-5', 400_000, [1.25, 10, 0.125]),
  model('openai', 'gpt-5-mini', 'GPT-5 mini', 400_000, [0.25, 2, 0.025]),
  model('openai', 'gpt-4.1', 'GPT-4.1', 1_047_576, [2, 8, 0.5]),
  model('openai', 'gpt-4.1-nano', 'GPT-4.1 nano', 1_047_576, [0.1, 0.4, 0.025]),
  model('gemini', 'gemini-2.5-pro', 'Gemini 2.5 Pro', 1_048_576, [1.25, 10, 0.31]),
  model('gemini', 'gemini-2.5-flash', 'Gemini 2.5 Flash', 1_048_576, [0.3, 2.5, 0.075]),
  model('gemini', 'gemini-3-pro-preview', 'Gemini 3 Pro (preview)', 1_048_576, [2, 12, 0.2]),
  model('template', 'template', 'Template (no AI)', 1_000_000, [0, 0, 0]),
];

function model(
  provider: ProviderId,
  id: string,
  label: string,
  contextTokens: number,
  [input, output, cachedInput]: [number, number, number],
  retiresOn?: string,
): CatalogModel {
  const cacheWrite = input * cacheWriteRatio(provider);
  return {
    provider,
    id,
    label,
    contextTokens,
    price: { input, output, cachedInput, cacheWrite },
    ...(retiresOn ? { retiresOn } : {}),
  };
}

/**
 * Whether the provider has retired a model by `now` (its catalog entry's `retiresOn`
 * has begun, in UTC). Models the catalog does not list are not known to be retired.
 *
 * @example isRetired('anthropic', 'claude-sonnet-4-5', Date.parse('2026-12-01')) // true
 */
export function isRetired(provider: ProviderId, model: string, now: number): boolean {
  const retiresOn = findModel(provider, model)?.retiresOn;
  return retiresOn !== undefined && now >= Date.parse(`${retiresOn}T00:00:00Z`);
}

/**
 * Whether a provider's listed model id is `model` itself or a dated snapshot of it
 * (`gpt-5-mini-2025-08-07`, `claude-sonnet-4-5-20250929`), not another model whose
 * name merely starts the same (`gpt-5-mini` is not `gpt-5`).
 */
export function listedAs(listedId: string, model: string): boolean {
  if (listedId === model) return true;
  return listedId.startsWith(`${model}-`) && /^\d{4}-?\d{2}-?\d{2}$/.test(listedId.slice(model.length + 1));
}

/**
 * The catalog models of a provider that are not offered for its key at `now`: those
 * retired, and, once the provider's model list was fetched (`listed`), those it lacks
 * (a dated snapshot in the list stands for its family name).
 */
export function unavailableModels(provider: ProviderId, now: number, listed?: readonly string[]): string[] {
  return catalog
    .filter((entry) => entry.provider === provider)
    .filter(
      (entry) =>
        isRetired(provider, entry.id, now) || (listed !== undefined && !listed.some((id) => listedAs(id, entry.id))),
    )
    .map((entry) => entry.id);
}

function cacheWriteRatio(provider: ProviderId): number {
  return provider === 'anthropic' ? 1.25 : 1;
}

/** What reading from the cache costs, as a share of the input price, for a model not in the catalog. */
const cacheReadRatio: Record<ProviderId, number> = {
  anthropic: 0.1,
  openai: 0.5,
  gemini: 0.25,
  // Unknown servers: assume no discount, which never under-reserves.
  'openai-compatible': 1,
  template: 1,
};

/**
 * The prompt-cache prices of a model priced at `inputPricePerMillion`: the catalog's own
 * where it lists the model (scaled if the input price was edited), else the provider's
 * usual ratios.
 *
 * @example
 * cachePrices('anthropic', 'claude-opus-4-5', 5); // { cachedInput: 0.5, cacheWrite: 6.25 }
 */
export function cachePrices(
  provider: ProviderId,
  model: string,
  inputPricePerMillion: number,
): { cachedInput: number; cacheWrite: number } {
  const listed = findModel(provider, model)?.price;
  const readRatio = listed && listed.input > 0 ? listed.cachedInput / listed.input : cacheReadRatio[provider];
  return {
    cachedInput: inputPricePerMillion * readRatio,
    cacheWrite: inputPricePerMillion * cacheWriteRatio(provider),
  };
}

/** The catalog entry for a model; dated snapshots match their undated family name. */
export function findModel(provider: ProviderId, id: string): CatalogModel | undefined {
  const candidates = catalog.filter((entry) => entry.provider === provider);
  return (
    candidates.find((entry) => entry.id === id) ??
    candidates
      .filter((entry) => id.startsWith(`${entry.id}-`))
      .sort((a, b) => b.id.length - a.id.length)
      .at(0)
  );
}

/** Models of one provider from the catalog, for the model pickers. */
export function catalogModels(provider: ProviderId): ModelInfo[] {
  return catalog
    .filter((entry) => entry.provider === provider)
    .map(({ id, label, retiresOn }) => ({ id, label, ...(retiresOn ? { retiresOn } : {}) }));
}

/** A listed model with the retirement date the catalog knows for it (a dated snapshot takes its family's). */
export function withRetirement(provider: ProviderId, model: ModelInfo): ModelInfo {
  const retiresOn = findModel(provider, model.id)?.retiresOn;
  return retiresOn ? { ...model, retiresOn } : model;
}

/**
 * What a call cost in US dollars: fresh input, cache reads and cache writes each at their
 * own price, output (reasoning included) at the output price.
 */
export function costOf(price: ModelPrice, usage: Usage): number {
  const cached = Math.min(usage.inputTokens, usage.cachedInputTokens);
  const written = Math.min(usage.inputTokens - cached, usage.cacheWriteTokens ?? 0);
  const fresh = usage.inputTokens - cached - written;
  return (
    (fresh * price.input +
      cached * price.cachedInput +
      written * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000
  );
}

/** What a call's cache reads saved against paying the full input price for them. */
export function cacheSavingsOf(price: ModelPrice, usage: Usage): number {
  return (
    (Math.min(usage.inputTokens, usage.cachedInputTokens) * Math.max(0, price.input - price.cachedInput)) / 1_000_000
  );
}
