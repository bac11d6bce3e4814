import type { Role } from '../../worker/events/schemas/common.ts';
import { roleTitles } from '../../worker/query/index.ts';

/** The agent roles in the order a run involves them, with their names (the team's titles). */
export const roles: readonly { id: Role; name: string }[] = (Object.keys(roleTitles) as Role[]).map((id) => ({
  id,
  name: roleTitles[id],
}));

export function roleName(role: Role | null | undefined): string {
  return roles.find((entry) => entry.id === role)?.name ?? 'Unassigned';
}
