import type { ProtocolLimits } from './protocol/context.ts';

export interface SyncLimits extends ProtocolLimits {
  /** Requests per minute per space (each instance counts its own). */
  requestsPerMinute: number;
  /** Spaces one client address may create per minute. */
  spacesPerMinute: number;
}

export const defaultSyncLimits: SyncLimits = {
  maxAppendBytes: 8 * 1024 * 1024,
  maxReadBytes: 1024 * 1024,
  longPollMs: 25_000,
  sseMs: 60_000,
  maxSpaceBytes: 1024 * 1024 * 1024,
  maxSpaceStreams: 10_000,
  requestsPerMinute: 6_000,
  spacesPerMinute: 10,
};

const envNames: Record<keyof SyncLimits, string> = {
  maxAppendBytes: 'ORCHESTRA_SYNC_MAX_APPEND_BYTES',
  maxReadBytes: 'ORCHESTRA_SYNC_MAX_READ_BYTES',
  longPollMs: 'ORCHESTRA_SYNC_LONG_POLL_MS',
  sseMs: 'ORCHESTRA_SYNC_SSE_MS',
  maxSpaceBytes: 'ORCHESTRA_SYNC_MAX_SPACE_BYTES',
  maxSpaceStreams: 'ORCHESTRA_SYNC_MAX_SPACE_STREAMS',
  requestsPerMinute: 'ORCHESTRA_SYNC_REQUESTS_PER_MINUTE',
  spacesPerMinute: 'ORCHESTRA_SYNC_SPACES_PER_MINUTE',
};

/** The limits, each overridable by its `ORCHESTRA_SYNC_*` variable (a positive whole number). */
export function syncLimitsFromEnv(env: Record<string, string | undefined>): SyncLimits {
  const limits = { ...defaultSyncLimits };
  for (const key of Object.keys(envNames) as Array<keyof SyncLimits>) {
    const text = env[envNames[key]];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`${envNames[key]} must be a positive whole number, not "${text}".`);
    }
    limits[key] = value;
  }
  return limits;
}
