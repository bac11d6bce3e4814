/**
 * A model's retirement as Settings shows it: "retires 2026-11-30", or "retired
 * 2026-11-30, not used" once the day has come (UTC), when the engine no longer routes to it.
 *
 * @example retirement('2026-11-30', Date.parse('2026-12-01')) // "retired 2026-11-30, not used"
 */
export function retirement(retiresOn: string, now = Date.now()): string {
  return now >= Date.parse(`${retiresOn}T00:00:00Z`) ? `retired ${retiresOn}, not used` : `retires ${retiresOn}`;
}
