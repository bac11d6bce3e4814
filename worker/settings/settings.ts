import { z } from 'zod';

export const themeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof themeSchema>;

/** A test run's time limit, in seconds: 5 s to 10 min. */
export const checkTimeoutSchema = z.number().int().min(5).max(600);

/**
 * The npm registry a run's packages come from: https, or http on this machine only (a
 * local mirror or the tests' fixture registry). The app's Content-Security-Policy must
 * allow its origin too (registry.npmjs.org is; others through ORCHESTRA_CONNECT_SRC).
 */
export const npmRegistrySchema = z
  .string()
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        url.protocol === 'https:' ||
        (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
      );
    } catch {
      return false;
    }
  }, 'The npm registry must be an https:// address (or http:// on localhost).');
export const defaultNpmRegistry = 'https://registry.npmjs.org';

/**
 * Device settings kept by the engine, as read back from storage: a stored value that
 * no longer fits falls back to its default instead of breaking the app. Keys for model
 * providers never live here.
 */
export const settingsSchema = z.object({
  theme: themeSchema.catch('system'),
  /** How long one run of a project's tests may take before it is stopped. */
  checkTimeoutSeconds: checkTimeoutSchema.catch(60),
  /** Where a test run's npm packages are downloaded from, when the person allows it. */
  npmRegistry: npmRegistrySchema.catch(defaultNpmRegistry),
});
export type Settings = z.infer<typeof settingsSchema>;

/** A change to some settings, as sent by the UI: unknown keys and bad values are refused. */
export const settingsPatchSchema = z.strictObject({
  theme: themeSchema.optional(),
  checkTimeoutSeconds: checkTimeoutSchema.optional(),
  npmRegistry: npmRegistrySchema.optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
