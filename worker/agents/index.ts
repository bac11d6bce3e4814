import type { Role } from '../events/schemas/common.ts';
import type { AgentRole } from './agent-role.ts';
import type { FileOutput, Plan, Review } from './contracts.ts';
import { codeGenerator } from './code-generator.ts';
import { debuggerAgent } from './debugger.ts';
import { projectManager } from './project-manager.ts';
import { testWriter } from './test-writer.ts';
import { uiDesigner } from './ui-designer.ts';

export type { AgentInput, AgentRole, TaskKind } from './agent-role.ts';
export type { ChatReply, Finding, FileOutput, GeneratedFile, Plan, PlanTask, Review, Severity } from './contracts.ts';
export {
  chatReplySchema,
  fileOutputSchema,
  findingSchema,
  generatedFileSchema,
  isBlocking,
  jsonSchemaOf,
  planSchema,
  reviewSchema,
  severityRank,
} from './contracts.ts';
export { repairPrompt } from './repair.ts';
export { projectManagerChat } from './project-manager.ts';
export { codeGenerator, debuggerAgent, projectManager, testWriter, uiDesigner };

/** What each role's task answers with. */
export interface RoleOutputs {
  'project-manager': Plan;
  'code-generator': FileOutput;
  'ui-designer': FileOutput;
  'test-writer': FileOutput;
  debugger: Review;
}

/**
 * The agent of each role. Which one a task gets (a review is always the Debugger's; a
 * change has agents of its own) is the engine's table, `orchestrator/task-agents.ts`. The
 * Project Manager's chat is `projectManagerChat`.
 */
export const agentRoles: { readonly [R in Role]: AgentRole<RoleOutputs[R]> } = {
  'project-manager': projectManager,
  'code-generator': codeGenerator,
  'ui-designer': uiDesigner,
  'test-writer': testWriter,
  debugger: debuggerAgent,
};
