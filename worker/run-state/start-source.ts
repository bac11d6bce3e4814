import { type ProviderId, providerLabels } from '../providers/contract/provider-id.ts';
import type { ProviderReady } from '../providers/contract/provider-service-api.ts';

/** What Start builds with: models, nothing until keys open or a provider is ready, or a template. */
export type StartSource = 'models' | 'locked' | 'waiting' | 'template';

type Readiness = Pick<ProviderReady, 'ready' | 'blocked'> & { provider?: ProviderId };

/**
 * What Start builds with, from the providers' readiness:
 * - `models`: a provider can take calls, so the Project Manager plans;
 * - `locked`: none can, but keys are stored behind the passphrase: Start asks for it
 *   and never falls back to the Template (that would build a starter the person did not
 *   ask for, and say no key is set up, which is false);
 * - `waiting`: none can, but the person set one up: a key paused after repeated failures
 *   (`cooling-down`), or an OpenAI-compatible endpoint missing its base URL or model
 *   (`incomplete`). Start says which and what to do; it does not build a template
 *   either, for the same reason;
 * - `template`: no key at all, so the Template provider builds a starter (no AI).
 *
 * One function for the engine (which acts on it) and the run screen (which says it), so
 * the two cannot disagree.
 * @example startSource([{ ready: false, blocked: 'locked' }]) // 'locked'
 */
export function startSource(readiness: readonly Readiness[]): StartSource {
  if (readiness.some((entry) => entry.ready)) return 'models';
  if (readiness.some((entry) => entry.blocked === 'locked')) return 'locked';
  if (readiness.some((entry) => entry.blocked === 'cooling-down' || entry.blocked === 'incomplete')) return 'waiting';
  return 'template';
}

/**
 * Why no model can take calls although one is set up, naming the providers, and what to
 * do before `then` ("try again", "press Continue orchestra").
 * @example waitingSentence([{ provider: 'openai', ready: false, blocked: 'cooling-down' }]) // 'OpenAI (GPT) is paused …'
 */
export function waitingSentence(readiness: readonly Readiness[], then = 'try again'): string {
  const named = (block: ProviderReady['blocked']) =>
    readiness
      .filter((entry) => entry.blocked === block)
      .map((entry) => (entry.provider ? providerLabels[entry.provider] : 'A provider'));
  const cooling = named('cooling-down');
  const incomplete = named('incomplete');
  const parts: string[] = [];
  if (cooling.length > 0) {
    parts.push(
      `${listed(cooling)} ${cooling.length === 1 ? 'is' : 'are'} paused for a minute after repeated failures: wait a minute, then ${then}.`,
    );
  }
  if (incomplete.length > 0) {
    parts.push(`${listed(incomplete)} needs a base URL and a model name: add them in Settings, then ${then}.`);
  }
  return `No model can take calls now. ${parts.join(' ')}`.trim();
}

function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}
