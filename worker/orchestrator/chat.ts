/**
 * The person talks to the team at any time; the Project Manager answers and may change
 * the plan — add tasks, change instructions of tasks not started yet, cancel them. Before
 * approval a change is a revised proposal; after it, the tasks themselves change. Every
 * change is an event, like everything else.
 */
import { startSource, waitingSentence } from '../run-state/start-source.ts';
import { remedy } from '../providers/contract/provider-error.ts';
import type { ChatReply, PlanTask } from '../agents/index.ts';
import { chatReplySchema, projectManagerChat, repairPrompt } from '../agents/index.ts';
import { validateOutput } from '../artifacts/parse-output.ts';
import type { EventDraft, OrchestraEvent } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { Actor } from '../events/schemas/common.ts';
import type { ProviderMessage } from '../providers/contract/provider-request.ts';
import { agentInputFor } from './agent-input.ts';
import { type MeasuredText, measure } from '../budget/index.ts';
import { chooseRoute, sentUtf8Bytes } from './calls/metered-call.ts';
import { proposalOf } from './plan-completion.ts';
import { validatePlan } from './plan-validation.ts';
import { newTaskRow } from '../events/projections/reduce-tasks.ts';
import type { TaskRunnerDeps } from './task-runner.ts';
import { system } from './run-context.ts';

const manager: Actor = { kind: 'agent', role: 'project-manager' };

/** The conversation so far, from the log: the person's messages and the manager's replies. */
export function conversationOf(
  events: readonly OrchestraEvent[],
): { from: 'user' | 'project-manager'; text: string }[] {
  const turns: { from: 'user' | 'project-manager'; text: string }[] = [];
  for (const event of events) {
    if (event.type === 'user-message') turns.push({ from: 'user', text: event.payload.text });
    if (event.type === 'agent-reply') turns.push({ from: 'project-manager', text: event.payload.text });
    if (event.type === 'plan-reject' && event.payload.reason.trim() !== '') {
      turns.push({ from: 'user', text: `I rejected the plan: ${event.payload.reason}` });
    }
  }
  return turns.slice(-20);
}

/**
 * Answers one message. Returns the events to append (the reply and any plan changes);
 * a call that cannot be made still gets a reply saying why, so no message goes unanswered.
 */
export async function answerMessage(
  deps: TaskRunnerDeps,
  state: ProjectState,
  conversation: { from: 'user' | 'project-manager'; text: string }[],
  messageId: string,
  newId: () => string,
  /** Aborted by an emergency stop, a full disk or the runner's close: the answer ends there. */
  signal: AbortSignal = new AbortController().signal,
): Promise<EventDraft[]> {
  const reply = (text: string, actor: Actor = system): EventDraft => ({
    type: 'agent-reply',
    actor,
    payload: { messageId: newId(), inReplyTo: messageId, text: text.slice(0, 10_000) },
  });
  const stopped = 'The run was stopped before the Project Manager could answer: send your message again.';
  const readiness = await deps.readiness();
  // Stopped while it got ready (an emergency stop, a full disk, the tab closing): no
  // model is chosen and nothing reserved for an answer that cannot be sent.
  if (signal.aborted) return [reply(stopped)];
  const project = state.project;
  const routed = chooseRoute(
    deps,
    {
      taskType: projectManagerChat.taskType,
      preference: project?.preference ?? 'balanced',
      inputTokens: 3000,
      outputTokens: 1000,
      attempt: 1,
      budgetRemainingUsd: deps.governor.status().availableUsd,
    },
    readiness,
  );
  if (!routed.ok) {
    return [
      ...routed.events,
      reply(
        startSource(readiness) === 'locked'
          ? 'The Project Manager needs a model to answer, and your model keys are locked: unlock them in Settings, then send your message again.'
          : routed.budget
            ? routed.message
            : startSource(readiness) === 'waiting'
              ? waitingSentence(readiness, 'send your message again')
              : 'The Project Manager needs a model to answer: add a key in Settings, then send your message again.',
      ),
    ];
  }
  const { route } = routed;
  /** The router's records not yet written: they go with the next append, or the reply. */
  const routeEvents = routed.events;
  const adapter = await deps.adapter(route.choice.provider);
  const input = await agentInputFor(state, { ...pseudoTask, projectId: state.projectId }, projectManagerChat, {
    readBlob: (hash) => deps.store.blob(hash),
    budgetTokens: 4000,
    findings: [],
    maxPlanTasks: deps.limits.maxPlanTasks,
  });
  input.conversation = conversation;
  input.currentTasks = currentTasks(state);
  const prompt = projectManagerChat.measuredPrompt(input);
  const messages: ProviderMessage[] = [{ role: 'user', content: prompt.text }];
  const measured: MeasuredText[] = [prompt];
  const events: EventDraft[] = [];
  const started = performance.now();
  for (let repairs = 0; repairs <= 1; repairs += 1) {
    if (signal.aborted) return [...routeEvents, ...events, ...route.withdraw(), reply(stopped)];
    const made = await route.call({
      adapter,
      request: {
        model: route.choice.model,
        system: projectManagerChat.systemPrompt,
        messages: [...messages],
        maxOutputTokens: projectManagerChat.maxOutputTokens,
        responseFormat: projectManagerChat.responseFormat,
      },
      size: {
        utf8Bytes: sentUtf8Bytes(projectManagerChat.systemPrompt, measured, projectManagerChat.responseFormat),
        maxOutputTokens: projectManagerChat.maxOutputTokens,
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]),
      beforeCall: async (reserved) => {
        await deps.store.append(deps.projectId, [...routeEvents.splice(0), ...reserved]);
      },
    });
    if (made.kind === 'budget') {
      return [...routeEvents, ...events, ...route.withdraw(), reply(`I cannot answer now: ${made.message}`)];
    }
    const { result } = made;
    events.push(...made.settled);
    if (result.error && signal.aborted) {
      return [...events, ...route.withdraw(), reply(stopped)];
    }
    if (result.error) {
      // Retries are over by now: what to do next, never "Orchestra tries again".
      const fix = remedy(result.error.provider, result.error.kind);
      const next = fix ? `${fix}, then send your message again.` : 'Send your message again in a moment.';
      return [
        ...events,
        ...route.withdraw(),
        reply(`The Project Manager could not be reached: ${result.error.message} ${next}`),
      ];
    }
    const checked = validateOutput(chatReplySchema, result.text);
    if (checked.ok) {
      return [
        ...events,
        ...route.observe(1 - repairs * 0.3, performance.now() - started),
        reply(checked.value.reply, manager),
        ...planChanges(state, checked.value, deps.limits.maxPlanTasks),
      ];
    }
    const repair = repairPrompt(checked.errors, result.text);
    messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: repair });
    measured.push(measure(result.text), measure(repair));
  }
  return [
    ...events,
    ...route.observe(0, performance.now() - started),
    reply('The Project Manager’s answer could not be read, so nothing in the plan changed. Please try again.'),
  ];
}

/** The chat is no task of the plan; the prompt builder only needs a task's shape. */
const pseudoTask = { ...newTaskRow('', 'chat', 0), role: 'project-manager' as const, title: 'Answer the person' };

function currentTasks(state: ProjectState) {
  const plan = state.plan;
  if (plan && plan.status === 'proposed') {
    return plan.tasks.map((task) => ({
      id: task.id,
      role: task.role,
      title: task.title,
      status: 'proposed',
      instructions: task.instructions,
    }));
  }
  return [...state.tasks.values()]
    .filter((task) => task.role !== 'project-manager')
    .map((task) => ({
      id: task.taskId,
      role: task.role ?? 'code-generator',
      title: task.title,
      status: task.status,
      instructions: task.instructions,
    }));
}

/**
 * The reply's changes as events. Only tasks not started may change; a change that would
 * break the plan (a cycle, a missing dependency) or take a proposed plan past the run's
 * plan limit (`RunLimits.maxPlanTasks`, the planner's) is left out and said so. Tasks added
 * to an approved plan are bounded by the run's task limit (`RunLimits.maxRunTasks`) instead.
 */
export function planChanges(state: ProjectState, answer: ChatReply, maxPlanTasks: number): EventDraft[] {
  const { add, update, cancel } = answer.changes;
  if (add.length === 0 && update.length === 0 && cancel.length === 0) return [];
  const plan = state.plan;
  if (!plan) return [];
  if (plan.status === 'proposed') {
    const cancelled = new Set(cancel);
    const tasks: PlanTask[] = plan.tasks
      .filter((task) => !cancelled.has(task.id))
      .map((task) => {
        const change = update.find((entry) => entry.id === task.id);
        return {
          ...task,
          title: change?.title ?? task.title,
          instructions: change?.instructions ?? task.instructions,
          dependsOn: task.dependsOn.filter((id) => !cancelled.has(id)),
        };
      })
      .concat(add);
    const checked = validatePlan(
      { ...plan, estimate: plan.estimate ?? { tokens: 0, costUsd: 0 }, tasks },
      { maxTasks: maxPlanTasks },
    );
    if (!checked.ok) return [notApplied(checked.errors)];
    return [
      {
        type: 'plan-propose',
        actor: manager,
        payload: proposalOf(plan, `${plan.planId.replace(/-r\d+$/, '')}-r${plan.revision + 1}`, tasks, plan.source),
      },
    ];
  }
  if (plan.status !== 'approved') return [];
  const events: EventDraft[] = [];
  const notStarted = (id: string) => {
    const task = state.tasks.get(id);
    return task !== undefined && (task.status === 'scheduled' || task.status === 'pending');
  };
  const known = new Set(state.tasks.keys());
  const fresh = add.filter((task) => !known.has(task.id));
  const graph = [...state.tasks.values()]
    .filter((task) => task.role !== 'project-manager' && !cancel.includes(task.taskId))
    .map((task) => ({
      id: task.taskId,
      role: task.role ?? 'code-generator',
      title: task.title,
      instructions: task.instructions,
      dependsOn: task.dependsOn.filter((id) => state.tasks.get(id)?.role !== 'project-manager'),
      expectedArtifacts: task.expectedArtifacts,
      acceptance: task.acceptance,
    }))
    .concat(fresh);
  // Only the graph's shape is checked here: how many tasks a run may add is the run's own
  // limit (`RunLimits.maxRunTasks`), which pauses it with the choice to go on.
  const checked = validatePlan(
    { ...plan, estimate: plan.estimate ?? { tokens: 0, costUsd: 0 }, tasks: graph },
    { maxTasks: Number.POSITIVE_INFINITY },
  );
  if (!checked.ok) return [notApplied(checked.errors)];
  for (const task of fresh) {
    events.push({
      type: 'task-schedule',
      actor: manager,
      payload: {
        taskId: task.id,
        role: task.role,
        title: task.title,
        dependsOn: task.dependsOn,
        instructions: task.instructions,
        expectedArtifacts: task.expectedArtifacts,
        acceptance: task.acceptance,
        kind: 'build',
        round: 1,
      },
    });
  }
  for (const change of update) {
    const task = state.tasks.get(change.id);
    if (!task?.role || !notStarted(change.id)) continue;
    events.push({
      type: 'task-schedule',
      actor: manager,
      payload: {
        taskId: task.taskId,
        role: task.role,
        title: change.title ?? task.title,
        dependsOn: task.dependsOn,
        instructions: change.instructions ?? task.instructions,
      },
    });
  }
  for (const id of cancel) {
    if (notStarted(id))
      events.push({
        type: 'task-cancel',
        actor: manager,
        payload: { taskId: id, reason: 'Cancelled by the Project Manager after your message.' },
      });
  }
  return events;
}

function notApplied(errors: string[]): EventDraft {
  return {
    type: 'error-report',
    actor: system,
    payload: {
      kind: 'plan_change',
      message: `The Project Manager’s change to the plan was not applied: ${errors.slice(0, 3).join('; ')}`.slice(
        0,
        4000,
      ),
    },
  };
}
