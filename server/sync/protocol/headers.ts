/** Header names of the Durable Streams protocol (lower case, as Headers returns them). */
export const h = {
  nextOffset: 'stream-next-offset',
  upToDate: 'stream-up-to-date',
  closed: 'stream-closed',
  cursor: 'stream-cursor',
  ttl: 'stream-ttl',
  expiresAt: 'stream-expires-at',
  writerSeq: 'stream-seq',
  forkedFrom: 'stream-forked-from',
  forkOffset: 'stream-fork-offset',
  forkSubOffset: 'stream-fork-sub-offset',
  producerId: 'producer-id',
  producerEpoch: 'producer-epoch',
  producerSeq: 'producer-seq',
  expectedSeq: 'producer-expected-seq',
  receivedSeq: 'producer-received-seq',
  sseEncoding: 'stream-sse-data-encoding',
} as const;

/** `Stream-Closed` counts only when it says `true`, in any case. */
export const isTrue = (value: string | null | undefined): boolean => value?.trim().toLowerCase() === 'true';

/** A decimal integer without sign, leading zeros or exponent, as TTLs and producer numbers must be. */
export function parseWholeNumber(text: string | null): number | undefined | 'invalid' {
  if (text === null) return undefined;
  if (!/^(0|[1-9]\d*)$/.test(text)) return 'invalid';
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : 'invalid';
}

/** The media type in lower case, parameters dropped: `Text/Plain; charset=utf-8` → `text/plain`. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export const isJson = (contentType: string): boolean => mediaType(contentType) === 'application/json';

/** SSE carries text as is for `text/*` and JSON; everything else as base64. */
export const isTextual = (contentType: string): boolean => {
  const type = mediaType(contentType);
  return type.startsWith('text/') || type === 'application/json';
};
