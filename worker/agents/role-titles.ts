/**
 * What each role of the team is called wherever a person reads it: the agents' identity
 * lines (agents/), the feed's sentences (query/describe-event.ts) and the UI
 * (web/format/roles.ts). A new role is one entry here, beside its agent in agents/.
 */
import type { Role } from '../events/schemas/common.ts';

/** Every role's title, in the order a run involves them. */
export const roleTitles: { readonly [R in Role]: string } = {
  'project-manager': 'Project Manager',
  'code-generator': 'Code Generator',
  'ui-designer': 'UI Designer',
  'test-writer': 'Test Writer',
  debugger: 'Debugger',
};
