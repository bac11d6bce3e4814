import { formatUsd } from './money.ts';

/**
 * What a spend says about the part of it charged at an estimate: calls cut off, stopped
 * or interrupted before the provider reported what they cost are charged at what was
 * sent and streamed (issue 19), and a person reading the sum must be told that part is
 * not the provider's figure. The words carry it on their own ("estimated"), so a screen
 * reader that skips the "≈" loses nothing.
 *
 * @example estimatedSpend(0.0004) // '(of which ≈ $0.0004 estimated: calls were cut off before the provider said what they cost)'
 */
export function estimatedSpend(estimatedUsd: number | undefined): string | null {
  if (estimatedUsd === undefined || !(estimatedUsd > 0)) return null;
  return `(of which ≈ ${formatUsd(estimatedUsd)} estimated: calls were cut off before the provider said what they cost)`;
}
