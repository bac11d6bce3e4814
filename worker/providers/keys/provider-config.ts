import { z } from 'zod';
import { remoteProviderIdSchema } from '../contract/provider-id.ts';

/** How one provider is reached; never holds the key (that lives in the key store). */
export const providerConfigSchema = z.object({
  provider: remoteProviderIdSchema,
  /** Overrides the SDK's default host; required for OpenAI-compatible endpoints. */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  /** Route calls through this Orchestra server's /api/proxy. */
  useProxy: z.boolean(),
  /** The token the proxy asks for when the server holds the keys. Not an API key. */
  proxyToken: z.string().max(200).optional(),
  /** The model "Test key" and the default role choice use. */
  model: z.string().max(200).optional(),
  /** The models the provider listed for this key at the last Fetch models: catalog models it lacks are not offered. */
  listedModels: z.array(z.string().min(1).max(200)).max(5000).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

/** A change to a provider's settings; an empty string clears a text field. */
export const providerConfigPatchSchema = z
  .object({
    baseUrl: z.union([providerConfigSchema.shape.baseUrl.unwrap(), z.literal('')]),
    useProxy: z.boolean(),
    proxyToken: z.string().max(200),
    model: z.string().max(200),
  })
  .partial();
export type ProviderConfigPatch = z.infer<typeof providerConfigPatchSchema>;
