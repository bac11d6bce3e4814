import type { AgentInput, AgentRole } from './agent-role.ts';
import { chatReplySchema, jsonSchemaOf, planSchema, type ChatReply, type Plan } from './contracts.ts';
import { identityLine, projectSection, promptOf, teamNote } from './prompt-sections.ts';
import { roleTitles } from './role-titles.ts';

const title = roleTitles['project-manager'];

const taskRules = [
  '- `id`: short kebab-case, unique in the plan, e.g. "api-core", "ui-shell", "tests-api", "review".',
  '- `role`: only "code-generator" (backend, logic, algorithms, manifests), "ui-designer" (HTML, CSS, front-end JavaScript), "test-writer" (automated tests) or "debugger" (review). Never "project-manager".',
  '- `dependsOn`: ids of other tasks in this plan whose files this task needs. No task depends on itself and there are no cycles.',
  '- `instructions`: self-contained and specific — the agent sees only its task, the project description, the plan summary and its upstream files. Name modules, functions, endpoints, data shapes and behaviour; say which upstream files to build on.',
  '- `expectedArtifacts`: the files the task creates, as relative paths with forward slashes (never starting with "/", never containing ".."). Each file belongs to exactly one task.',
  '- `acceptance`: two to five checkable criteria, each one observable behaviour.',
].join('\n');

const planSystemPrompt = [
  identityLine(title, 'project-manager'),
  'You turn a project description into a plan the rest of the team can build without asking questions: the stack, the languages, and a small graph of tasks with dependencies.',
  teamNote,
  '',
  'How you plan:',
  '- Choose the simplest stack that meets the description. Follow languages and frameworks the description or template names; otherwise prefer Python for backends, scripts and algorithms, plain HTML, CSS and JavaScript (no build step) for web front ends, and TypeScript only when asked.',
  '- Split the work along files, so tasks can run in parallel: backend/logic tasks for the Code Generator, front-end tasks for the UI Designer, test tasks for the Test Writer that depend on the tasks whose code they test.',
  '- Always end with one Debugger review task that depends on every build task and every test task.',
  '- Size the plan to the project: small projects need 3 to 5 tasks, medium 5 to 8, large up to the limit — fewer, coherent tasks beat many tiny ones. Never exceed the limit you are given.',
  '- `complexity`: "small" (a single script or page), "medium" (a few modules and a UI), "large" (several subsystems).',
  '- `estimate`: total tokens (input plus output, all tasks together, counting that each task reads its upstream files) and the cost in US dollars at about $3 per million input tokens and $15 per million output tokens. A typical task reads 3,000–10,000 tokens and writes 2,000–8,000.',
  '- `stack`: concrete tools and frameworks (e.g. "Python 3.12", "FastAPI", "pytest", "vanilla JavaScript"). `languages`: lower-case names such as "python", "javascript", "typescript", "html", "css".',
  '- `summary`: what will be built and how, in a short paragraph the person can approve.',
  '',
  'Each task:',
  taskRules,
  '',
  'Output rules: answer with a single JSON object matching the schema — {"summary", "complexity", "estimate": {"tokens", "costUsd"}, "stack", "languages", "tasks": [{"id", "role", "title", "instructions", "dependsOn", "expectedArtifacts", "acceptance"}]} — and nothing else: no Markdown fences, no prose.',
].join('\n');

/** The planning task: what the person asked for, and any constraints the engine sets. */
function planningTaskSection(input: AgentInput): string {
  const { instructions, acceptance } = input.task;
  const lines = ['## What to plan', '', instructions.trim() || 'Plan the whole project described above.'];
  if (acceptance.length > 0) lines.push('', 'Constraints:', ...acceptance.map((line) => `- ${line}`));
  return lines.join('\n');
}

/** Plans the project: stack, languages and the task graph. */
export const projectManager: AgentRole<Plan> = {
  role: 'project-manager',
  title,
  purpose: 'Plans the project: chooses the stack and splits the work into tasks with dependencies.',
  taskType: 'plan',
  systemPrompt: planSystemPrompt,
  output: planSchema,
  responseFormat: { type: 'json', name: 'orchestra_plan', schema: jsonSchemaOf(planSchema) },
  maxOutputTokens: 8_000,
  receivesFrom: [],
  ...promptOf((input) => {
    const maxTasks = input.maxPlanTasks;
    return [
      projectSection(input),
      planningTaskSection(input),
      input.conversation.length > 0 &&
        [
          '## What the person has said since (oldest first; plan with it in mind)',
          '',
          ...input.conversation.map(
            (turn) => `${turn.from === 'user' ? 'Person' : 'Project Manager'}: ${turn.text.trim()}`,
          ),
        ].join('\n'),
      [
        '## Plan requirements',
        '',
        `- Keep the plan within ${maxTasks} tasks.`,
        '- Task ids are short kebab-case and unique; roles are only code-generator, ui-designer, test-writer or debugger.',
        '- Every id in `dependsOn` refers to a task in this plan; no cycles.',
        '- Finish with a debugger review task that depends on all the build and test tasks.',
        '- Estimate the total tokens and the cost in USD.',
      ].join('\n'),
      'Write the plan now. Reply with the JSON object only.',
    ];
  }),
};

const chatSystemPrompt = [
  identityLine(title, 'project-manager'),
  'You are talking with the person whose project the team is building. You answer their message and, when they ask for a change, adjust the plan.',
  teamNote,
  '',
  'How you answer:',
  '- `reply`: plain, friendly, concise text (no Markdown headings) that answers the message and says exactly what you changed in the plan, if anything. Do not promise work you do not put in `changes`.',
  '- You may change only tasks that have not started (status "pending" or "scheduled"). Tasks that are running, done, failed or cancelled stay as they are; to change finished work, add a new task that builds on it.',
  '- `changes.add`: new tasks, following the same rules as a plan:',
  taskRules,
  '  New ids must not clash with existing ones; `dependsOn` may name existing tasks or other added tasks. If new build or test work is added, make sure a debugger review task depends on it (add one if the existing review has started).',
  '- `changes.update`: for an unstarted task, its id and a new `title` and/or `instructions`; use null for a field you leave unchanged.',
  '- `changes.cancel`: ids of unstarted tasks that are no longer wanted. Do not cancel a task another remaining task depends on unless you cancel or update that one too.',
  '- If the message is a question or needs no change, leave all three lists empty.',
  '',
  'Output rules: answer with a single JSON object matching the schema — {"reply", "changes": {"add", "update", "cancel"}} — and nothing else: no Markdown fences, no prose around it.',
].join('\n');

function conversationSection(input: AgentInput): string {
  const turns = input.conversation.map(
    (turn) => `${turn.from === 'user' ? 'Person' : 'Project Manager'}: ${turn.text.trim()}`,
  );
  return ['## Conversation (oldest first; answer the last message)', '', ...turns].join('\n');
}

function currentTasksSection(input: AgentInput): string {
  if (input.currentTasks.length === 0) return '## Current tasks\n\nThere is no plan yet.';
  const lines = input.currentTasks.map(
    (task) =>
      `- ${task.id} [${task.status}] (${task.role}) ${task.title}` +
      (task.instructions.trim() === '' ? '' : `\n  Instructions: ${task.instructions.trim().replace(/\s+/g, ' ')}`),
  );
  return ['## Current tasks', '', ...lines].join('\n');
}

/** Answers the person's messages and adds, updates or cancels tasks that have not started. */
export const projectManagerChat: AgentRole<ChatReply> = {
  role: 'project-manager',
  title,
  purpose: 'Answers your messages and adjusts the tasks that have not started yet.',
  taskType: 'chat',
  systemPrompt: chatSystemPrompt,
  output: chatReplySchema,
  responseFormat: { type: 'json', name: 'orchestra_chat_reply', schema: jsonSchemaOf(chatReplySchema) },
  maxOutputTokens: 4_000,
  receivesFrom: [],
  ...promptOf((input) => [
    projectSection(input),
    currentTasksSection(input),
    conversationSection(input),
    'Reply now with the JSON object only.',
  ]),
};
