import type { ProviderId } from '../contract/provider-id.ts';
import type { ProviderRequest } from '../contract/provider-request.ts';

/**
 * How long a model is given to start answering, by how it is known to behave and by how
 * much it has to read. A small model answering a short prompt starts within a few
 * seconds; a reasoning model thinks before its first word; every model reads (prefills)
 * its prompt first, at a few thousand tokens a second. A fixed 90 s made a hang on a
 * fast model cost 90 s of a run's critical path; this gives each call a deadline a few
 * times its expected wait, and never more than the old fixed one.
 *
 * @example
 * firstTokenTimeoutMs('openai', { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 100 });
 * // 20_000: a fast model, a short prompt
 */
export function firstTokenTimeoutMs(provider: ProviderId, request: ProviderRequest): number {
  const pace = modelPace(provider, request.model);
  const inputTokens = Math.ceil(promptChars(request) / 4);
  // One extra second per 4,000 tokens of prompt: about four times a hosted model's prefill.
  const reading = Math.floor(inputTokens / 4000) * 1000;
  return Math.min(maxFirstTokenMs, Math.max(minFirstTokenMs, basesMs[pace] + reading));
}

export const minFirstTokenMs = 15_000;
export const maxFirstTokenMs = 120_000;

/** How soon a model of each kind is expected to start answering a short prompt, with room to spare. */
const basesMs = {
  /** Small models (nano, mini, flash, haiku): a second or two, usually. */
  fast: 20_000,
  /** Flagship models without long thinking. */
  standard: 35_000,
  /** Models that reason before they answer (GPT-5, Gemini Pro, Opus, o-series). */
  reasoning: 75_000,
  /** A server of the person's own (Ollama, LM Studio): may be loading the model first. */
  local: 90_000,
} as const;

export type ModelPace = keyof typeof basesMs;

/** What kind of model this is, from its provider and the words in its name. */
export function modelPace(provider: ProviderId, model: string): ModelPace {
  if (provider === 'openai-compatible') return 'local';
  if (provider === 'template') return 'fast';
  const name = model.toLowerCase();
  // Whole words of the name only: "gemini" is not a "mini".
  if (/(^|[-_.:/ ])(nano|mini|flash|haiku|lite)($|[-_.:/ ])/.test(name)) return 'fast';
  if (/(^o\d|gpt-5|opus|-pro|thinking|reason)/.test(name)) return 'reasoning';
  return 'standard';
}

function promptChars(request: ProviderRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) chars += message.content.length;
  return chars;
}
