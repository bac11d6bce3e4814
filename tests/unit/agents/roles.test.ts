import { expect, test } from 'vitest';
import type { AgentRole } from '../../../worker/agents/agent-role.ts';
import { agentRoles, projectManagerChat } from '../../../worker/agents/index.ts';
import { projectManagerChange } from '../../../worker/agents/project-manager-change.ts';
import { emptyProjectState } from '../../../worker/events/projections/project-state.ts';
import type { TaskRow } from '../../../worker/events/projections/rows.ts';
import { type Role, roleSchema } from '../../../worker/events/schemas/common.ts';
import { taskAgentFor, team } from '../../../worker/orchestrator/task-agents.ts';
import { taskRowOf } from '../orchestrator/task-row.ts';

const taskRow = taskRowOf();

const all: AgentRole<unknown>[] = [...Object.values(agentRoles), projectManagerChat];

test('every system prompt opens with the exact identity line', () => {
  for (const agent of all) {
    const [first] = agent.systemPrompt.split('\n');
    expect(first).toBe(`You are the ${agent.title} of an Orchestra software team (role: ${agent.role}).`);
    // The simulator reads the role back from that line.
    const match = /\(role: ([a-z-]+)\)\.$/.exec(first ?? '');
    expect(roleSchema.parse(match?.[1])).toBe(agent.role);
  }
});

test('there is one agent per role, filed under its own role', () => {
  for (const role of roleSchema.options) expect(agentRoles[role].role).toBe(role);
  expect(projectManagerChat.role).toBe('project-manager');
  expect(projectManagerChat.systemPrompt).not.toBe(agentRoles['project-manager'].systemPrompt);
});

test('response formats are JSON with a provider-safe name and the schema of the output', () => {
  for (const agent of all) {
    expect(agent.responseFormat.type).toBe('json');
    expect(agent.responseFormat.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(agent.responseFormat.schema['type']).toBe('object');
    expect(agent.responseFormat.schema).not.toHaveProperty('$schema');
    expect(agent.maxOutputTokens).toBeGreaterThan(1000);
    expect(agent.purpose.length).toBeGreaterThan(10);
  }
});

test('agents receive files only from the roles that write them', () => {
  expect(agentRoles['project-manager'].receivesFrom).toEqual([]);
  expect(agentRoles.debugger.receivesFrom).toEqual(
    expect.arrayContaining(['code-generator', 'ui-designer', 'test-writer']),
  );
  expect(agentRoles['test-writer'].receivesFrom).toEqual(expect.arrayContaining(['code-generator', 'ui-designer']));
  for (const agent of all) expect(agent.receivesFrom).not.toContain('project-manager');
  for (const agent of all) expect(agent.receivesFrom).not.toContain('debugger');
});

test('the team table gives the role’s agent for every kind, and the Debugger for a review', () => {
  const state = emptyProjectState('p');
  const agentOf = (role: Role, kind: TaskRow['kind']) =>
    taskAgentFor(state, { ...taskRow, role, kind, expectedArtifacts: ['new.py'] }).agent;
  expect(agentOf('code-generator', 'build')).toBe(agentRoles['code-generator']);
  expect(agentOf('code-generator', 'fix')).toBe(agentRoles['code-generator']);
  expect(agentOf('ui-designer', 'scaffold')).toBe(agentRoles['ui-designer']);
  expect(agentOf('debugger', 'review')).toBe(agentRoles.debugger);
  expect(agentOf('test-writer', 'review')).toBe(agentRoles.debugger);
  expect(agentOf('project-manager', 'build')).toBe(agentRoles['project-manager']);
  expect(agentOf('project-manager', 'change')).toBe(projectManagerChange);
});

test('every role has an entry in the team table whose agent is the role’s own, and says what it writes', () => {
  for (const role of roleSchema.options) {
    expect(team[role].tasks.agent).toBe(agentRoles[role]);
    expect(team[role].tasks.agent.taskType.length).toBeGreaterThan(0);
  }
  expect(team['project-manager'].tasks.writes).toBe('plan');
  expect(team.debugger.tasks.writes).toBe('review');
  for (const role of ['code-generator', 'ui-designer', 'test-writer'] as const) {
    expect(team[role].tasks.writes).toBe('files');
    expect(team[role].edit?.agent.editsFiles).toBe(true);
    expect(team[role].edit?.agent.title).toBe(agentRoles[role].title);
  }
});
