/**
 * What each model costs on this device: the person's latest edit in Settings over the
 * price that shipped with the app. Nothing else prices a call — no router record, no
 * imported event — so the governor reserves and settles only at these prices.
 *
 *   shipped catalog ──┐
 *                     ├──▶ priceOf(provider, model) ──▶ router estimates, reservations
 *   price-set/reset ──┘        (the latest edit wins; a reset goes back to shipped)
 *
 * Model names are data (an endpoint's or the person's), so every lookup is a Map's.
 */
import type { RemoteProviderId } from '../providers/contract/provider-id.ts';
import { cachePrices, findModel } from '../providers/catalog.ts';
import { type ModelArm, defaultCatalog } from '../router/index.ts';
import type { ModelPrices, PriceEdit, PriceSet } from './price-edit.ts';

/** The provider a router arm's calls go to: the router's catalog names Google's models by vendor. */
export function providerOfArm(arm: Pick<ModelArm, 'provider'>): RemoteProviderId | undefined {
  if (arm.provider === 'google' || arm.provider === 'gemini') return 'gemini';
  if (arm.provider === 'anthropic' || arm.provider === 'openai' || arm.provider === 'openai-compatible') {
    return arm.provider;
  }
  return undefined;
}

/** One key per model of a provider; the NUL cannot occur in either part's meaning. */
export const priceKey = (provider: RemoteProviderId, model: string): string => `${provider}\u0000${model}`;

const routerPrices: ReadonlyMap<string, { input: number; output: number }> = new Map(
  defaultCatalog.flatMap((arm) => {
    const provider = providerOfArm(arm);
    return provider
      ? [
          [
            priceKey(provider, arm.model ?? arm.id),
            { input: arm.inputPricePerMillion, output: arm.outputPricePerMillion },
          ],
        ]
      : [];
  }),
);

/**
 * What a model costs as shipped: the router's catalog for its own models, else the provider
 * catalog (a dated snapshot takes its family's price), else nothing at all (a local
 * endpoint's model, or one no catalog knows: the person can price it in Settings). Cache
 * prices follow the provider's ratios to the input price.
 *
 * @example shippedPrices('openai', 'gpt-5-mini') // { input: 0.25, output: 2, cachedInput: 0.025, cacheWrite: 0.25 }
 */
export function shippedPrices(provider: RemoteProviderId, model: string): ModelPrices {
  const listed = routerPrices.get(priceKey(provider, model)) ?? findModel(provider, model)?.price;
  const input = listed?.input ?? 0;
  return { input, output: listed?.output ?? 0, ...cachePrices(provider, model, input) };
}

/** The prices of every model on this device, folded from its price edits in the order they were made. */
export class PriceBook {
  private readonly edits = new Map<string, PriceSet>();

  constructor(edits: Iterable<PriceEdit> = []) {
    this.replace(edits);
  }

  /** Folds the device's whole list of edits again (read from storage, after another tab's edit). */
  replace(edits: Iterable<PriceEdit>): void {
    this.edits.clear();
    for (const edit of edits) this.apply(edit);
  }

  /** Folds one edit: a set replaces the model's prices, a reset removes the person's. */
  apply(edit: PriceEdit): void {
    const key = priceKey(edit.provider, edit.model);
    if (edit.type === 'price-set') this.edits.set(key, edit);
    else this.edits.delete(key);
  }

  /**
   * What a call to `model` is priced at now: the person's latest edit of that model, else
   * of the family a dated snapshot belongs to (an edit of `claude-sonnet-4-5` prices
   * `claude-sonnet-4-5-20250929` too, as it does `gpt-5-mini-2025-08-07` for `gpt-5-mini`;
   * `gpt-5` does not price `gpt-5-mini`), else the shipped price.
   */
  priceOf(provider: RemoteProviderId, model: string): ModelPrices {
    const own = this.edits.get(priceKey(provider, model));
    if (own !== undefined) return own.prices;
    const family = snapshotFamily(model);
    const familyEdit = family === undefined ? undefined : this.edits.get(priceKey(provider, family));
    return familyEdit?.prices ?? shippedPrices(provider, model);
  }

  /** The models the person has priced, as [provider, model]. */
  editedModels(): [RemoteProviderId, string][] {
    return [...this.edits.values()].map((edit) => [edit.provider, edit.model]);
  }

  /** The person's edit in force for a model, if any (who and when, for Settings). */
  editOf(provider: RemoteProviderId, model: string): PriceSet | undefined {
    return this.edits.get(priceKey(provider, model));
  }
}

/** The family of a dated snapshot (`-20250929`, `-2025-08-07`), or undefined for any other name. */
function snapshotFamily(model: string): string | undefined {
  const dated = /^(.+)-(?:\d{8}|\d{4}-\d{2}-\d{2})$/.exec(model);
  return dated?.[1];
}
