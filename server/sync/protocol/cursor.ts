/** Live responses carry a cursor for CDN collapsing: 20 s intervals since 2024-10-09T00:00Z. */
const epochMs = Date.UTC(2024, 9, 9);
const intervalMs = 20_000;

/** The current interval, or past the client's cursor (with jitter) so it never repeats. */
export function nextCursor(now: number, clientCursor: string | undefined): string {
  const current = Math.floor((now - epochMs) / intervalMs);
  const echoed = clientCursor !== undefined && /^\d{1,15}$/.test(clientCursor) ? Number(clientCursor) : -1;
  if (echoed < current) return String(current);
  const jitterIntervals = Math.max(1, Math.ceil((1 + Math.random() * 3599) / (intervalMs / 1000)));
  return String(echoed + jitterIntervals);
}
