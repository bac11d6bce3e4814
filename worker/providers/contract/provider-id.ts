import { z } from 'zod';

/** The model providers Orchestra can call. `template` needs no key and no network. */
export const providerIdSchema = z.enum(['anthropic', 'openai', 'gemini', 'openai-compatible', 'template']);
export type ProviderId = z.infer<typeof providerIdSchema>;

/** Providers reached over the network with a person's key. */
export const remoteProviderIdSchema = providerIdSchema.exclude(['template']);
export type RemoteProviderId = z.infer<typeof remoteProviderIdSchema>;

export const providerLabels: Record<ProviderId, string> = {
  anthropic: 'Anthropic (Claude)',
  openai: 'OpenAI (GPT)',
  gemini: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible endpoint',
  template: 'Template (no AI)',
};
