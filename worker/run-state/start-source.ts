import type { ProviderReady } from '../providers/contract/provider-service-api.ts';

/** What Start builds with: models, nothing until the keys are unlocked, or a template. */
export type StartSource = 'models' | 'locked' | 'template';

/**
 * What Start builds with, from the providers' readiness:
 * - `models`: a provider can take calls, so the Project Manager plans;
 * - `locked`: none can, but keys are stored behind the passphrase: Start asks for it
 *   and never falls back to the Template (that would build a starter the person did not
 *   ask for, and say no key is set up, which is false);
 * - `template`: no key at all, so the Template provider builds a starter (no AI).
 *
 * One function for the engine (which acts on it) and the run screen (which says it), so
 * the two cannot disagree.
 * @example startSource([{ ready: false, blocked: 'locked' }]) // 'locked'
 */
export function startSource(readiness: readonly Pick<ProviderReady, 'ready' | 'blocked'>[]): StartSource {
  if (readiness.some((entry) => entry.ready)) return 'models';
  if (readiness.some((entry) => entry.blocked === 'locked')) return 'locked';
  return 'template';
}
