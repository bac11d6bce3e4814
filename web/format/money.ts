/**
 * Dollars as people read them: cents for sums of a dollar or more, four decimals
 * below, since single calls often cost fractions of a cent. A cost too small to show in
 * four decimals is "< $0.0001", never "$0.0000", which reads as free.
 * @example formatUsd(0.0123) // "$0.0123"
 * @example formatUsd(0.00002) // "< $0.0001"
 */
export function formatUsd(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.00005) return value > 0 ? '< $0.0001' : '> −$0.0001';
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 1 ? 4 : 2)}`;
}

/**
 * A price per million tokens as typed and read: six significant digits, so 0.075 never
 * shows as 0.07499999999999999, and no trailing zeros. `$` in front unless it goes in an
 * input, where the person types the number alone.
 * @example formatPerMillion(0.075) // "$0.075"
 * @example formatPerMillion(3, { dollar: false }) // "3"
 */
export function formatPerMillion(value: number, options: { dollar?: boolean } = {}): string {
  const digits = String(Number(value.toPrecision(6)));
  return options.dollar === false ? digits : `$${digits}`;
}

/** Token counts with thousands separators: "12,345 tokens". */
export function formatTokens(value: number): string {
  return `${value.toLocaleString('en-US')} tokens`;
}

/**
 * A duration as a clock: "0:07", "12:03", "1:02:03".
 * @example formatElapsed(75_000) // "1:15"
 */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
