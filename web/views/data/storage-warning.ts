import { formatBytes } from './format-bytes.ts';

/** Past this share of the quota, the Data view warns: before the disk is full, not after. */
export const warnAtShare = 0.8;

/**
 * The warning for storage nearly full, from `navigator.storage.estimate()`; none while
 * there is room (or the browser reports no quota).
 *
 * @example
 * storageWarning(900e6, 1e9); // 'This device is nearly out of room for Orchestra: 90% …'
 */
export function storageWarning(usageBytes: number, quotaBytes: number): string | undefined {
  if (!(quotaBytes > 0) || usageBytes / quotaBytes < warnAtShare) return undefined;
  const share = Math.min(100, Math.floor((usageBytes / quotaBytes) * 100));
  return `This device is nearly out of room for Orchestra: ${share}% of the ${formatBytes(quotaBytes)} this site may use is taken. Export and delete old projects, or compact them, before a run stops for lack of space.`;
}
