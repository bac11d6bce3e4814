import { z } from 'zod';

/**
 * A package's registry metadata (the "packument"), read as untrusted data: only what an
 * install needs, in npm's abbreviated form (`application/vnd.npm.install-v1+json`).
 */

const dependencyMap = z.record(z.string(), z.string()).optional().catch(undefined);

export const versionSchema = z.object({
  version: z.string(),
  dependencies: dependencyMap,
  optionalDependencies: dependencyMap,
  peerDependencies: dependencyMap,
  peerDependenciesMeta: z
    .record(z.string(), z.object({ optional: z.boolean().optional() }).catch({}))
    .optional()
    .catch(undefined),
  os: z.array(z.string()).optional().catch(undefined),
  cpu: z.array(z.string()).optional().catch(undefined),
  deprecated: z.unknown().optional(),
  hasInstallScript: z.boolean().optional().catch(undefined),
  dist: z.object({
    tarball: z.string(),
    integrity: z.string().optional(),
    shasum: z.string().optional(),
  }),
});
export type PackumentVersion = z.infer<typeof versionSchema>;

export const packumentSchema = z.object({
  name: z.string(),
  'dist-tags': z.record(z.string(), z.string()).catch({}),
  versions: z.record(z.string(), z.unknown()),
});

export interface Packument {
  name: string;
  distTags: Record<string, string>;
  /** Version string → its metadata, for the versions that read well. */
  versions: Map<string, PackumentVersion>;
}

/** Reads a packument; versions whose metadata does not fit are left out, not fatal. */
export function readPackument(value: unknown): Packument | undefined {
  const parsed = packumentSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const versions = new Map<string, PackumentVersion>();
  for (const [version, raw] of Object.entries(parsed.data.versions)) {
    const one = versionSchema.safeParse(raw);
    if (one.success && one.data.version === version) versions.set(version, one.data);
  }
  return { name: parsed.data.name, distTags: parsed.data['dist-tags'], versions };
}

/** The smallest form of a packument worth caching: what {@link readPackument} reads. */
export function packumentToJson(packument: Packument): unknown {
  return {
    name: packument.name,
    'dist-tags': packument.distTags,
    versions: Object.fromEntries(packument.versions),
  };
}
