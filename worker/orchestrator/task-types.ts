import type { TaskKind } from '../events/projections/rows.ts';
import type { Role } from '../events/schemas/common.ts';

/**
 * The router's task type for a task: what kind of work it is, which is what models differ
 * on. Open strings: the router learns any type it is given.
 */
export function taskTypeOf(role: Role, kind: TaskKind): string {
  if (kind === 'fix') return 'fix';
  switch (role) {
    case 'project-manager':
      return 'plan';
    case 'code-generator':
      return 'backend-code';
    case 'ui-designer':
      return 'ui-code';
    case 'test-writer':
      return 'tests';
    case 'debugger':
      return 'review';
  }
}
