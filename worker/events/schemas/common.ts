import { z } from 'zod';

/** A ULID: 26 Crockford base-32 characters, sortable by creation time. */
export const ulidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

/** An id chosen by the engine or an agent for a task, run, plan or message. */
export const localIdSchema = z.string().min(1).max(120);

export const roleSchema = z.enum(['project-manager', 'code-generator', 'ui-designer', 'test-writer', 'debugger']);
export type Role = z.infer<typeof roleSchema>;

/** Who caused an event: the person, one of the agents, or the engine itself. */
export const actorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user') }),
  z.object({ kind: z.literal('agent'), role: roleSchema }),
  z.object({ kind: z.literal('system'), component: z.string().min(1).max(60) }),
]);
export type Actor = z.infer<typeof actorSchema>;

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest');
export const usdSchema = z.number().finite().min(0);
export const tokensSchema = z.number().int().min(0);
