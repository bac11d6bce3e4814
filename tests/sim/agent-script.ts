/**
 * Scripts the agent team on the simulator: each request is answered according to the
 * role its system prompt names (`… (role: code-generator).`, the first line of every
 * agent's prompt), whichever wire protocol carried it.
 */
import type { RecordedRequest, Responder, Simulator } from './simulator.ts';
import type { Scenario } from './scenario.ts';
import type { SimProvider } from './wire/wire-protocol.ts';

export type AgentRoleName = 'project-manager' | 'code-generator' | 'ui-designer' | 'test-writer' | 'debugger';

/** The system prompt of a request, from any of the three wire formats. */
export function systemPromptOf(request: RecordedRequest): string {
  const body = request.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return '';
  if (typeof body['system'] === 'string') return body['system'];
  if (Array.isArray(body['system'])) {
    return (body['system'] as { text?: string }[]).map((part) => part.text ?? '').join('\n');
  }
  const instruction = body['systemInstruction'] as { parts?: { text?: string }[] } | undefined;
  if (instruction?.parts) return instruction.parts.map((part) => part.text ?? '').join('\n');
  const messages = body['messages'] as { role?: string; content?: unknown }[] | undefined;
  const system = messages?.find((message) => message.role === 'system' || message.role === 'developer');
  return typeof system?.content === 'string' ? system.content : '';
}

/** The agent role a request is for, or undefined (a key test, a model list). */
export function roleOf(request: RecordedRequest): AgentRoleName | undefined {
  const match = /\(role: ([a-z-]+)\)/.exec(systemPromptOf(request));
  return match?.[1] as AgentRoleName | undefined;
}

/** Whether the request is the Project Manager answering a person (not planning). */
export function isChat(request: RecordedRequest): boolean {
  return JSON.stringify(request.body ?? '').includes('orchestra_chat_reply');
}

/** How a scripted role answers: a scenario, or one built from the request (and how many came before). */
export type RoleScript = Scenario | ((request: RecordedRequest, nth: number) => Scenario | undefined);

/** Answers each request by its role: `scripts[role]`, or `scripts.chat` for the manager's replies. */
export function scriptTeam(
  sim: Simulator,
  provider: SimProvider,
  scripts: Partial<Record<AgentRoleName | 'chat', RoleScript>>,
): void {
  const counts = new Map<string, number>();
  const responder: Responder = (request) => {
    const role = roleOf(request);
    if (!role) return undefined;
    const key = role === 'project-manager' && isChat(request) ? 'chat' : role;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    const script = scripts[key];
    if (script === undefined) return undefined;
    return typeof script === 'function' ? script(request, nth) : script;
  };
  sim.respond(provider, responder);
}
