/**
 * The providers' prompt caches, as the simulator models them, so tests and the costs
 * bench can see what a prompt layout saves:
 *
 * - Anthropic: explicit. A prefix is cached at each `cache_control` breakpoint (at most
 *   four) once it is at least the model's minimum (4,096 tokens for Haiku 4.5 and Opus
 *   4.5/4.6, 2,048 for Haiku 3 and 3.5, 1,024 for the others); a later request with the
 *   same prefix up to a breakpoint, or up to one of the 20 block boundaries before it,
 *   reads it (`cache_read_input_tokens`), and what the breakpoint adds is written
 *   (`cache_creation_input_tokens`, billed at 1.25× input); `input_tokens` is what follows.
 *   What a request writes can be read only once its response has begun (Anthropic: "a
 *   cache entry only becomes available after the first response begins"), so requests
 *   sent together all write; a request that fails before answering writes nothing.
 *   Entries live five minutes, renewed by each read.
 * - OpenAI: automatic for prompts of 1,024 tokens or more: the longest prefix shared with a
 *   recent prompt of the same `prompt_cache_key`, in steps of 128 tokens, is read
 *   (`prompt_tokens_details.cached_tokens`); nothing is billed for writing.
 * - Gemini: implicit, alike, per model, from 1,024 tokens (`cachedContentTokenCount`).
 *
 * Tokens are counted as four characters each, as everywhere in the simulator.
 */
import type { SimUsage } from './scenario.ts';
import type { SimProvider } from './wire/wire-protocol.ts';

export interface CacheRules {
  minimumTokens: number;
  lifetimeMs: number;
  /** Cached prefixes are counted in steps of this many tokens (OpenAI: 128). */
  stepTokens: number;
}

export const cacheRules: Record<'anthropic' | 'openai' | 'gemini', CacheRules> = {
  anthropic: { minimumTokens: 1024, lifetimeMs: 5 * 60_000, stepTokens: 1 },
  openai: { minimumTokens: 1024, lifetimeMs: 5 * 60_000, stepTokens: 128 },
  gemini: { minimumTokens: 1024, lifetimeMs: 5 * 60_000, stepTokens: 1 },
};

/** Anthropic's minimum cacheable prefix by model, as its prompt-caching guide lists it. */
function anthropicMinimumTokens(model: string): number {
  if (/^claude-(haiku-4-5|opus-4-5|opus-4-6)/.test(model)) return 4096;
  if (/^claude-(3-haiku|3-5-haiku|haiku-3)/.test(model)) return 2048;
  return cacheRules.anthropic.minimumTokens;
}

const tokensOf = (chars: number) => Math.ceil(chars / 4);
/** Anthropic looks for a cached prefix at up to 20 block boundaries before each breakpoint. */
const lookbackBlocks = 20;
const stringOf = (value: unknown) => (typeof value === 'string' ? value : '');

interface Segment {
  text: string;
  breakpoint: boolean;
}

/** The prompt of a request as text segments in the order the model reads them, and its cache key. */
function promptOf(provider: SimProvider, body: unknown): { segments: Segment[]; key: string } {
  const request = (body ?? {}) as Record<string, unknown>;
  const segments: Segment[] = [];
  const push = (value: unknown) => {
    if (typeof value === 'string') segments.push({ text: value, breakpoint: false });
    else if (Array.isArray(value)) {
      for (const block of value as { text?: unknown; cache_control?: unknown }[]) {
        if (typeof block?.text === 'string')
          segments.push({ text: block.text, breakpoint: block.cache_control != null });
      }
    }
  };
  if (provider === 'anthropic') {
    push(request['system']);
    for (const message of (request['messages'] ?? []) as { content?: unknown }[]) push(message.content);
    return { segments, key: stringOf(request['model']) };
  }
  if (provider === 'gemini') {
    const system = request['systemInstruction'] as { parts?: unknown } | string | undefined;
    if (typeof system === 'string') push(system);
    else push(system?.parts);
    for (const content of (request['contents'] ?? []) as { parts?: unknown }[]) push(content.parts);
    return { segments, key: stringOf(request['model']) };
  }
  for (const message of (request['messages'] ?? []) as { content?: unknown }[]) push(message.content);
  return { segments, key: `${stringOf(request['model'])}\u0000${stringOf(request['prompt_cache_key'])}` };
}

/** One simulator's caches; `now` is injectable so tests can let entries expire. */
export class PromptCaches {
  readonly #prefixes = new Map<string, number>();
  readonly #recent = new Map<string, { text: string; expires: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Counts a request's input and what the provider's cache read and wrote for it. What an
   * Anthropic request writes is kept when `begun()` is called, as its response begins.
   */
  usageFor(
    provider: SimProvider,
    body: unknown,
  ): { usage: Pick<SimUsage, 'inputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'>; begun: () => void } {
    const { segments, key } = promptOf(provider, body);
    const text = segments.map((segment) => segment.text).join('');
    const inputTokens = tokensOf(text.length);
    const nothing = () => {};
    if (provider === 'openai-compatible') {
      return { usage: { inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0 }, begun: nothing };
    }
    const rules = cacheRules[provider];
    const now = this.now();
    if (provider === 'anthropic') {
      let read = 0;
      let written = 0;
      let length = 0;
      /** The ends of the blocks so far: Anthropic looks for a cached prefix at the last 20 before a breakpoint. */
      const ends: number[] = [];
      const cached = (end: number) => {
        const expires = this.#prefixes.get(`${key}\u0000${text.slice(0, end)}`);
        return expires !== undefined && expires > now;
      };
      // Looked up in the cache as it was before this request; what it writes comes after.
      const renewed: number[] = [];
      const writes: number[] = [];
      const minimum = anthropicMinimumTokens(stringOf((body as Record<string, unknown> | undefined)?.['model']));
      for (const segment of segments) {
        length += segment.text.length;
        ends.push(length);
        if (!segment.breakpoint) continue;
        const tokens = tokensOf(length);
        if (tokens < minimum) continue;
        const hit = ends.slice(-lookbackBlocks).reverse().find(cached);
        if (hit !== undefined) read = Math.max(read, tokensOf(hit));
        if (hit !== undefined) renewed.push(hit);
        if (hit !== length) {
          written = tokens;
          writes.push(length);
        }
      }
      for (const end of renewed) this.#prefixes.set(`${key}\u0000${text.slice(0, end)}`, now + rules.lifetimeMs);
      const begun = () => {
        const at = this.now();
        for (const end of writes) this.#prefixes.set(`${key}\u0000${text.slice(0, end)}`, at + rules.lifetimeMs);
      };
      const cacheWriteTokens = Math.max(0, written - read);
      return { usage: { inputTokens, cachedInputTokens: read, cacheWriteTokens }, begun };
    }
    const recent = (this.#recent.get(key) ?? []).filter((entry) => entry.expires > now);
    let shared = 0;
    for (const entry of recent) shared = Math.max(shared, commonPrefix(entry.text, text));
    const steps = Math.floor(tokensOf(shared) / rules.stepTokens) * rules.stepTokens;
    const cachedInputTokens =
      inputTokens >= rules.minimumTokens && steps >= rules.minimumTokens ? Math.min(steps, inputTokens) : 0;
    recent.push({ text, expires: now + rules.lifetimeMs });
    this.#recent.set(key, recent.slice(-32));
    return { usage: { inputTokens, cachedInputTokens, cacheWriteTokens: 0 }, begun: nothing };
  }
}

function commonPrefix(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let at = 0;
  // Compare in chunks first: prompts share tens of thousands of characters.
  while (at + 1024 <= length && a.slice(at, at + 1024) === b.slice(at, at + 1024)) at += 1024;
  while (at < length && a.charCodeAt(at) === b.charCodeAt(at)) at += 1;
  return at;
}
