/**
 * The Project Manager's plan (or change plan) as a `plan-propose`, approved in the same
 * batch when the project approves plans automatically.
 */
import { scoreTask } from '../artifacts/quality.ts';
import type { EventDraft, PayloadOf } from '../events/catalog.ts';
import { sha256Hex } from '../events/hash.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import { type AnswerFacts, type Completion, completeEvent, qualityEvent } from './task-completion.ts';
import { system } from './run-context.ts';

type Proposal = PayloadOf<'plan-propose'>;

/**
 * A plan as its `plan-propose` payload, with `tasks` in place of its own: the one place
 * that says which of a plan's fields a proposal carries (a plan, a change plan, a plan
 * revised in the chat).
 */
export function proposalOf(
  plan: Pick<Proposal, 'summary' | 'complexity' | 'estimate' | 'stack' | 'languages'>,
  planId: string,
  tasks: Proposal['tasks'],
  source: Proposal['source'] = 'ai',
): Proposal {
  return {
    planId,
    summary: plan.summary,
    complexity: plan.complexity,
    estimate: plan.estimate,
    tasks,
    stack: plan.stack,
    languages: plan.languages,
    source,
  };
}

/** The Project Manager's plan (or change plan): proposed, and approved at once when the project says so. */
export async function planCompletion(
  state: ProjectState,
  facts: AnswerFacts,
  proposal: PayloadOf<'plan-propose'>,
): Promise<Completion> {
  const { planId } = proposal;
  const outputHash = await sha256Hex(facts.text);
  const events: EventDraft[] = [
    { type: 'plan-propose', actor: { kind: 'agent', role: 'project-manager' }, payload: proposal },
  ];
  const score = scoreTask({ role: 'project-manager', repairs: facts.repairs, filesAccepted: 1, filesRejected: 0 });
  events.push(
    qualityEvent(facts.task, score, facts.destination),
    completeEvent(facts.task, facts.attempt, facts.usage, facts.durationMs, outputHash, facts.repairs),
  );
  if (state.project?.autoApprove) {
    events.push({ type: 'plan-approve', actor: system, payload: { planId, auto: true } });
  }
  return { events, blobs: [facts.text], quality: score.score };
}
