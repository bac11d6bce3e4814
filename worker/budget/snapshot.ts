import { z } from 'zod';

/** The governor's whole state as plain JSON (`governor.toJSON()`). */
export const governorSnapshotSchema = z.object({
  version: z.literal(1),
  budgetUsd: z.number().nonnegative(),
  spentUsd: z.number().nonnegative(),
  reservedUsd: z.number(),
  /** Open reservations: id → amount set aside. */
  open: z.record(z.string(), z.number().nonnegative()),
  reservations: z.number().int().nonnegative(),
  refusals: z.number().int().nonnegative(),
  violations: z.number().int().nonnegative(),
});
export type GovernorSnapshot = z.infer<typeof governorSnapshotSchema>;
