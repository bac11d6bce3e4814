export type Encoding = 'br' | 'gzip';

/**
 * The encodings a client accepts, best first, from an Accept-Encoding header
 * (`gzip, deflate, br;q=0.9`). `*` counts for both; `q=0` refuses one.
 */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  if (!header) return [];
  const quality = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    quality.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const wildcard = quality.get('*');
  const ranked = (['br', 'gzip'] as const)
    .map((encoding, order) => ({ encoding, order, q: quality.get(encoding) ?? wildcard ?? 0 }))
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.map((entry) => entry.encoding);
}
