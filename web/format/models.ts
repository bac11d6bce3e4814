const providerNames: ReadonlyMap<string, string> = new Map([
  ['anthropic', 'Anthropic'],
  ['openai', 'OpenAI'],
  ['gemini', 'Gemini'],
  ['openai-compatible', 'OpenAI-compatible'],
]);

/**
 * Which model did something, as a person reads it; the Template provider says so plainly.
 * @example modelLabel('openai', 'gpt-4.1-mini') // "OpenAI gpt-4.1-mini"
 */
export function modelLabel(provider: string | null | undefined, model: string | null | undefined): string {
  if (provider === 'template') return 'Template (no AI)';
  const name = provider ? (providerNames.get(provider) ?? provider) : '';
  return `${name} ${model ?? ''}`.trim();
}
