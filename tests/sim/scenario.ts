/**
 * What the simulator does with the next request to a provider. Tests queue scenarios
 * per provider; a request with nothing queued gets `{ kind: 'fixture' }`.
 */
export type Scenario =
  /**
   * Replays a recorded response from tests/fixtures/providers (the provider's default one),
   * each streamed payload line through `edit` if given (a recording's variant).
   */
  | ({ kind: 'fixture'; name?: string; edit?: (line: string) => string } & Pace)
  /** Streams `tokens` deltas of `text` (split on words when `tokens` is absent). */
  | ({ kind: 'text'; text?: string; tokens?: number; usage?: SimUsage } & Pace)
  /** Answers with this value serialised as JSON text (a structured-output answer). */
  | ({ kind: 'json'; value: unknown } & Pace)
  /** A JSON answer that does not match the schema asked for. */
  | ({ kind: 'wrong-schema' } & Pace)
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  | { kind: 'server-error' }
  | { kind: 'overloaded' }
  | { kind: 'auth' }
  | { kind: 'permission' }
  | { kind: 'bad-request' }
  | { kind: 'context-too-long' }
  /** Never answers (`request`), or sends the first token and then goes silent. */
  | { kind: 'hang'; after: 'request' | 'first-token' }
  /** Cuts the connection after about half the stream. */
  | ({ kind: 'truncated'; text?: string } & Pace)
  /** Sends a stream event whose data is not JSON. */
  | { kind: 'malformed' }
  /** Anthropic's mid-stream `error` event (overloaded) after a first delta. */
  | { kind: 'mid-stream-error' };

export interface Pace {
  /**
   * Holds the answer (after its headers) until this settles: a test's gate, for a call that
   * must stay in flight until the test has done something, however slow the machine.
   */
  heldUntil?: Promise<unknown>;
  /**
   * Sends about half the answer, then holds the rest until this settles: a call caught
   * mid-stream for as long as the test needs (a live view to show it, say).
   */
  heldHalfwayUntil?: Promise<unknown>;
  /** Delay before the first token, in ms. */
  firstTokenMs?: number;
  /** Tokens per second after the first; absent means as fast as the socket takes them. */
  tokensPerSecond?: number;
}

export interface SimUsage {
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, read from the provider's prompt cache. */
  cachedInputTokens?: number;
  /** Of `inputTokens`, written to the prompt cache (Anthropic). */
  cacheWriteTokens?: number;
}
