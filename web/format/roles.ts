import type { Role } from '../../worker/events/schemas/common.ts';

/** The five agent roles in the order a run involves them, with their names. */
export const roles: readonly { id: Role; name: string }[] = [
  { id: 'project-manager', name: 'Project Manager' },
  { id: 'code-generator', name: 'Code Generator' },
  { id: 'ui-designer', name: 'UI Designer' },
  { id: 'test-writer', name: 'Test Writer' },
  { id: 'debugger', name: 'Debugger' },
];

export function roleName(role: Role | null | undefined): string {
  return roles.find((entry) => entry.id === role)?.name ?? 'Unassigned';
}
