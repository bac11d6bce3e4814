import { z } from 'zod';

export const themeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof themeSchema>;

/** A test run's time limit, in seconds: 5 s to 10 min. */
export const checkTimeoutSchema = z.number().int().min(5).max(600);

/**
 * Device settings kept by the engine, as read back from storage: a stored value that
 * no longer fits falls back to its default instead of breaking the app. Keys for model
 * providers never live here.
 */
export const settingsSchema = z.object({
  theme: themeSchema.catch('system'),
  /** How long one run of a project's tests may take before it is stopped. */
  checkTimeoutSeconds: checkTimeoutSchema.catch(60),
});
export type Settings = z.infer<typeof settingsSchema>;

/** A change to some settings, as sent by the UI: unknown keys and bad values are refused. */
export const settingsPatchSchema = z.strictObject({
  theme: themeSchema.optional(),
  checkTimeoutSeconds: checkTimeoutSchema.optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
