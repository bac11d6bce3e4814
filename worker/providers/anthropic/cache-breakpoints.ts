import type { PromptCacheHint, ProviderRequest } from '../contract/provider-request.ts';
import type { CacheLedger } from './cache-ledger.ts';
import { estimateTokens } from '../contract/usage.ts';

/**
 * Anthropic caches a prefix only from this many tokens: 4,096 on Haiku 4.5 and Opus
 * 4.5/4.6, 2,048 on Haiku 3 and 3.5, 1,024 on the others. A breakpoint under it caches
 * nothing and takes one of the four places.
 */
export function minimumCachedTokens(model: string): number {
  if (/^claude-(haiku-4-5|opus-4-5|opus-4-6)/.test(model)) return 4096;
  if (/^claude-(3-haiku|3-5-haiku|haiku-3)/.test(model)) return 2048;
  return 1024;
}
/** Anthropic allows at most four `cache_control` breakpoints in a request. */
export const maximumBreakpoints = 4;
/** Anthropic checks for a cached prefix at this many block boundaries before a breakpoint, the breakpoint's own included. */
export const lookbackBlocks = 20;

interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: { type: 'ephemeral' };
}

/**
 * The system prompt and messages of a request with Anthropic's `cache_control`
 * breakpoints: after the system prompt, and after the stable prefix of the first message
 * (system prompt, project, upstream files), each only where the prefix up to it is long
 * enough to be cached. A prefix no later call is expected to read (`cache.readLater`
 * false) is marked only when `ledger` holds a marked request of the same model and key
 * within the cache's lifetime, whose entry this one may read. A breakpoint caches
 * everything before it, so the second one covers the first's prefix too; calls of the
 * same role and project then read both.
 *
 * The prefix is split into blocks at `blockEnds` (after the project, after each file).
 * Anthropic looks for an earlier cached prefix only at the 20 block boundaries before a
 * breakpoint, and a prefix grows by a file per finished upstream task: with eight tasks
 * in parallel it grows by twenty files or more between two calls of a role, and a single
 * breakpoint then found nothing and wrote the whole prefix again. The breakpoints left
 * (at most four in all) go every 20 blocks back from the end of the stable prefix, so
 * the boundaries looked at reach 80 blocks back.
 *
 * @example
 * const { system, messages } = withCacheBreakpoints(request, ledger);
 * anthropic.messages.create({ model, max_tokens, system, messages, stream: true });
 */
export function withCacheBreakpoints(
  request: ProviderRequest,
  ledger?: CacheLedger,
): {
  system: string | TextBlock[] | undefined;
  messages: { role: 'user' | 'assistant'; content: string | TextBlock[] }[];
} {
  const plain = request.messages.map((message) => ({ role: message.role, content: message.content }));
  if (!request.cache) return { system: request.system, messages: plain };
  // A write costs a quarter more than plain input: worth it when a later call reads it, or
  // when this call reads what an earlier one cached (a breakpoint is where reads happen too).
  const { key } = request.cache;
  if (request.cache.readLater === false && !ledger?.recent(request.model, key)) {
    return { system: request.system, messages: plain };
  }
  return markedRequest({ ...request, cache: request.cache });
}

/** Whether a request laid out by `withCacheBreakpoints` carries a breakpoint. */
export function hasBreakpoints(marked: ReturnType<typeof withCacheBreakpoints>): boolean {
  return [marked.system, ...marked.messages.map((message) => message.content)].some(hasBreakpoint);
}

const hasBreakpoint = (content: string | TextBlock[] | undefined) =>
  Array.isArray(content) && content.some((block) => block.cache_control !== undefined);

function markedRequest(request: ProviderRequest & { cache: PromptCacheHint }): {
  system: string | TextBlock[] | undefined;
  messages: { role: 'user' | 'assistant'; content: string | TextBlock[] }[];
} {
  const plain = request.messages.map((message) => ({ role: message.role, content: message.content }));
  // Counted as the cache counts it: tokens up to the breakpoint, the system prompt included.
  const systemTokens = request.system ? estimateTokens(request.system) : 0;
  const minimum = minimumCachedTokens(request.model);
  let breakpoints = 0;
  let system: string | TextBlock[] | undefined = request.system;
  if (request.system && systemTokens >= minimum) {
    system = [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }];
    breakpoints += 1;
  }
  const first = request.messages[0];
  const cut = alignedCut(first?.content ?? '', request.cache.stablePrefixChars);
  if (!first || cut <= 0 || breakpoints >= maximumBreakpoints) return { system, messages: plain };
  const longEnough = (end: number) => systemTokens + estimateTokens(first.content.slice(0, end)) >= minimum;
  if (!longEnough(cut)) return { system, messages: plain };
  const left = maximumBreakpoints - breakpoints;
  // Block boundaries in the prefix, ascending, the end of the prefix last.
  const ends: number[] = [];
  for (const end of request.cache.blockEnds ?? []) {
    if (end > (ends.at(-1) ?? 0) && end < cut) ends.push(end);
  }
  ends.push(cut);
  // Breakpoints at the end and every 20 boundaries back; what lies before their reach is one block.
  const marked = new Set<number>();
  for (let at = ends.length - 1, count = 0; at >= 0 && count < left; at -= lookbackBlocks, count++) {
    const end = ends[at] as number;
    if (longEnough(end)) marked.add(end);
  }
  const reach = Math.max(0, ends.length - left * lookbackBlocks);
  const kept = ends.slice(reach);
  const blocks: TextBlock[] = [];
  let from = 0;
  for (const end of kept) {
    blocks.push({
      type: 'text',
      text: first.content.slice(from, end),
      ...(marked.has(end) ? { cache_control: { type: 'ephemeral' as const } } : {}),
    });
    from = end;
  }
  if (first.content.length > cut) blocks.push({ type: 'text', text: first.content.slice(cut) });
  return { system, messages: [{ role: first.role, content: blocks }, ...plain.slice(1)] };
}

/**
 * The end of the stable prefix moved past the blank line that joins it to the task. The
 * agents' prefix ends with its last file, trailing blank line trimmed, but in a later
 * prompt with more files that file's block is followed by the blank line and the next
 * file's heading, and the boundary there is after the blank line: a breakpoint before it
 * is at no block boundary of any later prompt, so no later call could read what it
 * cached (the costs bench lost a whole wave's prefix to it). A prefix that already ends
 * in white space is where its author put it.
 */
function alignedCut(content: string, stablePrefixChars: number): number {
  let cut = Math.min(stablePrefixChars, content.length);
  if (cut <= 0) return 0;
  if (/\s/.test(content[cut - 1] ?? '')) return cut;
  while (cut < content.length && (content[cut] === '\n' || content[cut] === ' ')) cut += 1;
  return cut;
}
