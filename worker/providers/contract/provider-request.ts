/** One message of the conversation sent to a model. */
export interface ProviderMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * Asks for JSON that follows a schema. Providers that support structured output get the
 * schema itself; the others get JSON mode and the schema in the prompt.
 */
export interface ResponseFormat {
  type: 'json';
  name: string;
  schema: Record<string, unknown>;
}

/**
 * How a prompt is laid out for the providers' prompt caches: the system prompt, then the
 * first message's `stablePrefixChars` (what other calls of the same project and role send
 * too), then what is particular to this call.
 */
export interface PromptCacheHint {
  /** Requests that share it share a cache: OpenAI's `prompt_cache_key` (one per project and role). */
  key: string;
  /** Characters at the start of the first message that other calls send unchanged. */
  stablePrefixChars: number;
  /**
   * Where the stable prefix may be split into blocks (offsets in the first message, each
   * below `stablePrefixChars`): after the project, after each upstream file. Anthropic
   * looks for a cached prefix at the block boundaries before a breakpoint, so a prefix
   * that grew by a file still reads what an earlier call cached.
   */
  blockEnds?: readonly number[];
  /**
   * Whether a later call with this key is expected to read this prefix from the model's
   * cache within its lifetime. Where a cache write costs more than plain input (Anthropic:
   * 1.25×), a prefix no later call reads is marked only to read what an earlier call of
   * the key cached. Absent: expected.
   */
  readLater?: boolean;
}

/** What an agent asks a model for; the same shape for every provider. */
export interface ProviderRequest {
  model: string;
  system?: string;
  messages: readonly ProviderMessage[];
  maxOutputTokens: number;
  temperature?: number;
  responseFormat?: ResponseFormat;
  cache?: PromptCacheHint;
}
