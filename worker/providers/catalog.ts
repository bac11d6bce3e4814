import type { ModelInfo } from './contract/provider-adapter.ts';
import type { ProviderId } from './contract/provider-id.ts';
import type { Usage } from './contract/usage.ts';

/** Prices in US dollars per million tokens, as each provider lists them. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache. */
  cachedInput: number;
}

export interface CatalogModel extends ModelInfo {
  provider: ProviderId;
  contextTokens: number;
  price: ModelPrice;
}

/**
 * The models Orchestra knows out of the box. Prices change: this list is a starting
 * point for the cost governor, and models fetched from an endpoint without a listed
 * price cost whatever Settings says (zero for local endpoints).
 */
export const catalog: readonly CatalogModel[] = [
  model('anthropic', 'claude-opus-4-1', 'Claude Opus 4.1', 200_000, [15, 75, 1.5]),
  model('anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', 200_000, [3, 15, 0.3]),
  model('anthropic', 'claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5 (2025-09-29)', 200_000, [3, 15, 0.3]),
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
): CatalogModel {
  return { provider, id, label, contextTokens, price: { input, output, cachedInput } };
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
  return catalog.filter((entry) => entry.provider === provider).map(({ id, label }) => ({ id, label }));
}

/** What a call cost in US dollars; cached input is billed at its own price. */
export function costOf(price: ModelPrice, usage: Usage): number {
  const freshInput = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
  return (
    (freshInput * price.input + usage.cachedInputTokens * price.cachedInput + usage.outputTokens * price.output) /
    1_000_000
  );
}
