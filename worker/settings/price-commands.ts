/**
 * Settings › Model prices: every model Orchestra may call with what it costs, and the
 * person's edits of those prices, each an event of this device's settings.
 */
import { ulid } from 'ulid';
import { type Result, fail, ok } from '../contract/result.ts';
import type { OrchestraDb } from '../db/database.ts';
import { type RemoteProviderId, remoteProviderIdSchema } from '../providers/contract/provider-id.ts';
import { catalog, findModel } from '../providers/catalog.ts';
import { defaultCatalog } from '../router/index.ts';
import { storageMessage } from '../contract/storage-message.ts';
import { type PriceBook, priceKey, providerOfArm, shippedPrices } from './price-book.ts';
import {
  type ModelPrices,
  type PriceEdit,
  type PriceResetRequest,
  type PriceSetRequest,
  priceRequestProblem,
  priceResetRequestSchema,
  priceSetRequestSchema,
} from './price-edit.ts';
import { appendPriceEdit } from './price-store.ts';

/** One model's line in Settings. */
export interface ModelPriceRow {
  provider: RemoteProviderId;
  model: string;
  label: string;
  /** The day the provider retires the model (UTC, YYYY-MM-DD), when known. */
  retiresOn?: string;
  /** What shipped with the app. */
  shipped: ModelPrices;
  /** What calls are priced at now: the person's edit, else the shipped price. */
  prices: ModelPrices;
  /** When the person last set these prices; absent at the shipped price. */
  editedAt?: number;
}

export interface PriceCommands {
  /** Every model Orchestra may call, with its shipped and current prices. */
  getPrices(): Promise<Result<ModelPriceRow[]>>;
  /**
   * Sets a model's four prices (dollars per million tokens); calls reserved from now on
   * are priced at them.
   * @example await engine.setPrice({ provider: 'openai', model: 'gpt-5-mini', prices: { input: 0.2, output: 1.6, cachedInput: 0.02, cacheWrite: 0.2 } })
   */
  setPrice(request: PriceSetRequest): Promise<Result<ModelPriceRow>>;
  /** Goes back to the price that shipped with the app for one model. */
  resetPrice(request: PriceResetRequest): Promise<Result<ModelPriceRow>>;
}

export interface PriceCommandDeps {
  db: OrchestraDb;
  /** The engine's price book, loaded from storage: the one the router and the governor read. */
  prices: () => Promise<PriceBook>;
  now?: () => number;
  /** Tells the other tabs' engines that the device's prices changed. */
  changed?: () => void;
}

const providerOrder: readonly RemoteProviderId[] = remoteProviderIdSchema.options;

/** The models Settings prices: the router's and the provider catalog's, and those chosen per provider. */
async function knownModels(db: OrchestraDb, book: PriceBook): Promise<Map<string, [RemoteProviderId, string]>> {
  const models = new Map<string, [RemoteProviderId, string]>();
  const add = (provider: RemoteProviderId, model: string) => models.set(priceKey(provider, model), [provider, model]);
  for (const arm of defaultCatalog) {
    const provider = providerOfArm(arm);
    if (provider) add(provider, arm.model ?? arm.id);
  }
  for (const entry of catalog) if (entry.provider !== 'template') add(entry.provider, entry.id);
  for (const config of await db.providerConfigs.toArray()) if (config.model) add(config.provider, config.model);
  for (const [provider, model] of book.editedModels()) add(provider, model);
  return models;
}

function rowOf(book: PriceBook, provider: RemoteProviderId, model: string): ModelPriceRow {
  const listed = findModel(provider, model);
  const edit = book.editOf(provider, model);
  return {
    provider,
    model,
    label: listed?.id === model ? listed.label : model,
    ...(listed?.retiresOn ? { retiresOn: listed.retiresOn } : {}),
    shipped: shippedPrices(provider, model),
    prices: book.priceOf(provider, model),
    ...(edit ? { editedAt: edit.at } : {}),
  };
}

export function createPriceCommands(deps: PriceCommandDeps): PriceCommands {
  const now = deps.now ?? Date.now;

  async function edit(provider: RemoteProviderId, model: string, make: (at: number) => PriceEdit) {
    try {
      const book = await deps.prices();
      if (!(await knownModels(deps.db, book)).has(priceKey(provider, model))) {
        return fail(
          'not_found',
          `Orchestra does not know the model “${model}” of this provider: choose it in Settings › Model providers first.`,
        );
      }
      const event = make(now());
      await appendPriceEdit(deps.db, event);
      book.apply(event);
      deps.changed?.();
      return ok(rowOf(book, provider, model));
    } catch (error) {
      return fail('storage', storageMessage(error), true);
    }
  }

  return {
    async getPrices() {
      try {
        const book = await deps.prices();
        const rows = [...(await knownModels(deps.db, book)).values()].map(([provider, model]) =>
          rowOf(book, provider, model),
        );
        rows.sort((a, b) => providerOrder.indexOf(a.provider) - providerOrder.indexOf(b.provider));
        return ok(rows);
      } catch (error) {
        return fail('storage', storageMessage(error), true);
      }
    },

    async setPrice(request) {
      const parsed = priceSetRequestSchema.safeParse(request);
      if (!parsed.success) return fail('bad_input', priceRequestProblem(parsed.error));
      const { provider, model, prices } = parsed.data;
      return edit(provider, model, (at) => ({
        type: 'price-set',
        id: ulid(at),
        at,
        actor: { kind: 'user' },
        provider,
        model,
        prices,
      }));
    },

    async resetPrice(request) {
      const parsed = priceResetRequestSchema.safeParse(request);
      if (!parsed.success) return fail('bad_input', priceRequestProblem(parsed.error));
      const { provider, model } = parsed.data;
      return edit(provider, model, (at) => ({
        type: 'price-reset',
        id: ulid(at),
        at,
        actor: { kind: 'user' },
        provider,
        model,
      }));
    },
  };
}
