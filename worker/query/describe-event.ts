import type { OrchestraEvent } from '../events/catalog.ts';
import type { Actor } from '../events/schemas/common.ts';
import { roleTitles } from '../agents/role-titles.ts';
import { describeCheck } from './describe-check.ts';

// The team's titles (agents/role-titles.ts), looked up as data: a role read from a log
// is checked by its schema, and an unknown one is shown as it is.
const roleNames: ReadonlyMap<string, string> = new Map(Object.entries(roleTitles));

/** Who did it, as a person would say it. */
export function describeActor(actor: Actor): string {
  if (actor.kind === 'user') return 'You';
  if (actor.kind === 'agent') return roleNames.get(actor.role) ?? actor.role;
  return 'Orchestra';
}

const providerNames: ReadonlyMap<string, string> = new Map([
  ['anthropic', 'Anthropic'],
  ['openai', 'OpenAI'],
  ['gemini', 'Gemini'],
  ['openai-compatible', 'The OpenAI-compatible endpoint'],
  ['template', 'The Template provider'],
]);

/** Files the Template provider wrote say so wherever they are mentioned. */
const fromTemplate = (source: string) => (source === 'template' ? ' from a template — Template (no AI)' : '');

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

/** What a sentence may name besides the event itself: tasks by their titles. */
export interface EventContext {
  /** A task's title, or undefined when it is not known (the id is shown then). */
  taskTitle?: (taskId: string) => string | undefined;
}

/** Why a provider call failed, as a person would say it (never the taxonomy's names). */
const failureWords: ReadonlyMap<string, string> = new Map([
  ['auth', 'the key was not accepted'],
  ['permission', 'the key may not use this model'],
  ['rate_limited', 'it limits how fast this key may call'],
  ['overloaded', 'it was overloaded'],
  ['context_too_long', 'the request was too long for the model'],
  ['bad_request', 'it refused the request'],
  ['network', 'the connection failed'],
  ['timeout', 'it stopped answering in time'],
  ['malformed_response', 'its answer could not be read'],
  ['incomplete', 'its answer stopped early'],
  ['refused', 'it declined'],
  ['cancelled', 'the call was cancelled'],
]);

const runEnds: ReadonlyMap<string, string> = new Map([
  ['completed', 'The run finished.'],
  ['cancelled', 'The run ended without building.'],
  ['stopped', 'You stopped the run.'],
  ['emergency', 'The run was stopped with the emergency stop.'],
  ['failed', 'The run failed.'],
]);

/**
 * Every task's title in a log, from the plans proposed and the tasks scheduled: for
 * sentences that name tasks the way the plan does.
 */
export function taskTitles(events: readonly OrchestraEvent[]): Map<string, string> {
  const titles = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'task-schedule') titles.set(event.payload.taskId, event.payload.title);
    else if (event.type === 'plan-propose')
      for (const task of event.payload.tasks) if (!titles.has(task.id)) titles.set(task.id, task.title);
  }
  return titles;
}

/**
 * Which model did something, as a person reads it; the Template provider says so plainly.
 * @example modelName('openai', 'gpt-4.1-mini') // "OpenAI gpt-4.1-mini"
 */
export function modelName(provider: string | null | undefined, model: string | null | undefined): string {
  if (provider === 'template') return 'Template (no AI)';
  const name = provider ? (providerNames.get(provider)?.replace(/^The /, '') ?? provider) : '';
  return `${name} ${model ?? ''}`.trim();
}

/** A raw message with the log's internal ids (ULIDs, alone or prefixed) replaced by what they are. */
export function withoutIds(text: string): string {
  return text
    .replace(/\bcost-[0-9A-HJKMNP-TV-Z]{26}\b/g, 'a cost reservation')
    .replace(/\b(?:[a-z]+-)?[0-9A-HJKMNP-TV-Z]{26}\b/g, 'an internal id');
}

/**
 * One event as a plain sentence for the collaboration feed.
 * @example describeEvent(event) // "You: Please use TypeScript."
 */
export function describeEvent(event: OrchestraEvent, context: EventContext = {}): string {
  const who = describeActor(event.actor);
  const task = (taskId: string) => {
    const title = context.taskTitle?.(taskId);
    return title ? `“${title}”` : taskId;
  };
  switch (event.type) {
    case 'project-create':
      return `${who} created the project “${event.payload.name}”.`;
    case 'project-update':
      return `${who} updated the project details.`;
    case 'project-archive':
      return event.payload.archived ? `${who} archived the project.` : `${who} restored the project.`;
    case 'project-delete':
      return `${who} deleted the project.`;
    case 'budget-change':
      return event.payload.limitUsd === null
        ? `${who} removed the budget limit.`
        : `${who} set the budget to ${usd(event.payload.limitUsd)}.`;
    case 'run-start':
      return `${who} started a run.`;
    case 'run-pause':
      return `The run paused: ${event.payload.reason}`;
    case 'run-resume':
      return `${who} resumed the run.`;
    case 'run-stop':
      return `${runEnds.get(event.payload.outcome) ?? 'The run ended.'}${event.payload.message ? ` ${event.payload.message}` : ''}`;
    case 'user-message':
      return `${who}: ${event.payload.text}`;
    case 'error-report': {
      const { kind, message, taskId } = event.payload;
      // Orchestra's own faults carry the raw error: said as one, with internal ids named for what they are.
      if (kind === 'engine')
        return `Orchestra hit a problem of its own${taskId ? ` while ${task(taskId)} ran` : ''}. The details, for a report: ${withoutIds(message)}`;
      return taskId ? `While on task ${task(taskId)}: ${message}` : message;
    }
    case 'plan-propose':
      if (event.payload.change)
        return `${who} proposed a change plan of ${event.payload.tasks.length} task${event.payload.tasks.length === 1 ? '' : 's'} for “${event.payload.change.request.slice(0, 200)}”${event.payload.source === 'template' ? ' — Template (no AI)' : ''}.`;
      return `${who} proposed a plan of ${event.payload.tasks.length} task${event.payload.tasks.length === 1 ? '' : 's'} (${event.payload.complexity})${event.payload.source === 'template' ? ' — Template (no AI)' : ''}.`;
    case 'plan-approve':
      return event.payload.auto
        ? `The plan was approved automatically (auto-approve is on).`
        : `${who} approved the plan${event.payload.tasks ? ` as edited (${event.payload.tasks.length} tasks)` : ''}.`;
    case 'plan-reject':
      return `${who} rejected the plan${event.payload.reason ? `: ${event.payload.reason}` : '.'}`;
    case 'agent-reply':
      return `${who}: ${event.payload.text}`;
    case 'cost-release':
      return 'Money set aside for a call that was not made went back to the budget.';
    case 'task-schedule':
      return `Task “${event.payload.title}” is scheduled for the ${roleNames.get(event.payload.role) ?? event.payload.role}.`;
    case 'task-start':
      return `Task ${task(event.payload.taskId)} started (attempt ${event.payload.attempt}) on ${modelName(event.payload.provider, event.payload.model)}.`;
    case 'task-checkpoint':
      return `Task ${task(event.payload.taskId)} has written ${event.payload.outputChars.toLocaleString('en')} characters so far.`;
    case 'task-complete':
      return `Task ${task(event.payload.taskId)} is done (${event.payload.outputTokens} tokens out, ${usd(event.payload.costUsd)}).`;
    case 'task-fail':
      return `Task ${task(event.payload.taskId)} failed: ${event.payload.message}`;
    case 'task-interrupt':
      return `Task ${task(event.payload.taskId)} was interrupted: ${event.payload.reason}`;
    case 'task-cancel':
      return `${who} cancelled task ${task(event.payload.taskId)}.`;
    case 'task-retry':
      return `${who} retried task ${task(event.payload.taskId)}.`;
    case 'route-decide':
      return `Task ${task(event.payload.taskId)} goes to ${event.payload.chosen}: ${event.payload.reason}`;
    case 'breaker-change': {
      const name = providerNames.get(event.payload.provider) ?? event.payload.provider;
      if (event.payload.to === 'open') {
        const pause = event.payload.reopensAt
          ? Math.max(1, Math.round((event.payload.reopensAt - event.payload.at) / 1000))
          : null;
        return `${name} failed ${event.payload.failures} times in a row: Orchestra leaves it alone${pause ? ` for ${pause} s` : ' for a while'}, then tries one call.`;
      }
      if (event.payload.to === 'half-open') return `Trying ${name} again with one call.`;
      return `${name} answers again.`;
    }
    case 'call-retry': {
      const name = providerNames.get(event.payload.provider) ?? event.payload.provider;
      const wait = `${(event.payload.delayMs / 1000).toFixed(1)} s${event.payload.fromRetryAfter ? ', as it asked' : ''}`;
      const why = failureWords.get(event.payload.kind) ?? 'it failed';
      return `${name} call ${event.payload.attempt} failed (${why}); retrying in ${wait}.`;
    }
    case 'route-record': {
      const { record } = event.payload;
      switch (record.type) {
        case 'route-decide':
          return `The router weighed ${record.candidates.length} model${record.candidates.length === 1 ? '' : 's'} for ${record.taskType}${record.armId ? ` and chose ${record.armId}` : ''}.`;
        case 'route-observe':
          return `The router learned: ${record.armId} scored ${Math.round(record.outcome.quality * 100)}% on ${record.taskType} (${usd(record.outcome.costUsd)}, ${(record.outcome.latencyMs / 1000).toFixed(1)} s).`;
        case 'route-cancel':
          return `A routing choice of ${record.armId} was withdrawn before any call.`;
        case 'route-arm-set':
          return `The router's catalog now includes ${record.arm.id}.`;
      }
      return 'The router recorded a step.';
    }
    case 'cost-reserve':
      return `Reserved up to ${usd(event.payload.maxUsd)} for ${event.payload.armId}.`;
    case 'cost-settle':
      return event.payload.estimated
        ? `A call was charged an estimated ${usd(event.payload.actualUsd)} (about ${event.payload.inputTokens} in, ${event.payload.outputTokens} out): it was cut off or interrupted before the provider reported its usage.`
        : `A call cost ${usd(event.payload.actualUsd)} (${event.payload.inputTokens} in, ${event.payload.outputTokens} out).`;
    case 'cost-violate':
      return `Budget stop: ${event.payload.message}`;
    case 'artifact-create':
      return `${who} created ${event.payload.path}${fromTemplate(event.payload.provenance.source)}.`;
    case 'artifact-version':
      return `${who} updated ${event.payload.path}${fromTemplate(event.payload.provenance.source)}.`;
    case 'artifact-delete':
      return `${who} deleted ${event.payload.path}${fromTemplate(event.payload.provenance.source)}: ${event.payload.reason.replace(/[.\s]+$/, '')}.`;
    case 'artifact-validate':
      return `${event.payload.path} v${event.payload.version} is ${event.payload.status}${event.payload.issues.length ? `: ${event.payload.issues.join('; ')}` : '.'}`;
    case 'quality-assess': {
      const subject =
        event.payload.subject.kind === 'task' ? `task ${event.payload.subject.taskId}` : event.payload.subject.path;
      return `Quality of ${subject}: ${Math.round(event.payload.score * 100)}%.`;
    }
    case 'check-run-start':
      return `Running the project's tests (${event.payload.trigger === 'manual' ? 'asked by you' : event.payload.trigger === 'review' ? 'before the review' : 'at the end of the run'}).`;
    case 'check-result':
      return `Tests: ${describeCheck(event.payload.outcome, event.payload.counts, event.payload.reason ?? null)}`;
  }
}
