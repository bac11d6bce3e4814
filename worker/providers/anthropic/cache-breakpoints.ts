import type { ProviderRequest } from '../contract/provider-request.ts';
import { estimateTokens } from '../contract/usage.ts';

/** Anthropic caches a prefix only from this many tokens (1,024 on Sonnet and Opus; Haiku wants more). */
export const minimumCachedTokens = 1024;
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
 * enough to be cached. A breakpoint caches everything before it, so the second one
 * covers the first's prefix too; calls of the same role and project then read both.
 *
 * @example
 * const { system, messages } = withCacheBreakpoints(request);
 * anthropic.messages.create({ model, max_tokens, system, messages, stream: true });
 */
export function withCacheBreakpoints(request: ProviderRequest): {
  system: string | TextBlock[] | undefined;
  messages: { role: 'user' | 'assistant'; content: string | TextBlock[] }[];
} {
  const plain = request.messages.map((message) => ({ role: message.role, content: message.content }));
  if (!request.cache) return { system: request.system, messages: plain };
  // Counted as the cache counts it: tokens up to the breakpoint, the system prompt included.
  const systemTokens = request.system ? estimateTokens(request.system) : 0;
  let breakpoints = 0;
  let system: string | TextBlock[] | undefined = request.system;
  if (request.system && systemTokens >= minimumCachedTokens) {
    system = [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }];
    breakpoints += 1;
  }
  const first = request.messages[0];
  const cut = Math.min(request.cache.stablePrefixChars, first?.content.length ?? 0);
  if (first && cut > 0 && breakpoints < maximumBreakpoints) {
    const prefix = first.content.slice(0, cut);
    if (systemTokens + estimateTokens(prefix) >= minimumCachedTokens) {
      const rest = first.content.slice(cut);
      // The prefix in blocks, so that Anthropic finds what an earlier, shorter prefix
      // cached at one of the boundaries before the breakpoint (it looks back 20 blocks).
      const ends = (request.cache.blockEnds ?? []).filter((end) => end > 0 && end < cut).slice(-(lookbackBlocks - 1));
      const blocks: TextBlock[] = [];
      let from = 0;
      for (const end of ends) {
        if (end <= from) continue;
        blocks.push({ type: 'text', text: prefix.slice(from, end) });
        from = end;
      }
      blocks.push({ type: 'text', text: prefix.slice(from), cache_control: { type: 'ephemeral' } });
      if (rest.length > 0) blocks.push({ type: 'text', text: rest });
      return { system, messages: [{ role: first.role, content: blocks }, ...plain.slice(1)] };
    }
  }
  return { system, messages: plain };
}
