import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';

/** Reads a whole stream of parts. */
export async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const result: StreamPart[] = [];
  for await (const part of parts) result.push(part);
  return result;
}

export function textOf(parts: readonly StreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
}

export function errorOf(parts: readonly StreamPart[]) {
  const last = parts.at(-1);
  return last?.type === 'error' ? last.error : undefined;
}

export const request = {
  model: 'claude-sonnet-4-5',
  system: 'You are terse.',
  messages: [{ role: 'user' as const, content: 'Hello, how are you?' }],
  maxOutputTokens: 256,
};
