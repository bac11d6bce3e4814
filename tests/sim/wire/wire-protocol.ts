import type { SimUsage } from '../scenario.ts';

export type SimProvider = 'anthropic' | 'openai' | 'openai-compatible' | 'gemini';

export type ErrorScenario =
  'rate-limited' | 'server-error' | 'overloaded' | 'auth' | 'permission' | 'bad-request' | 'context-too-long';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a request asks for, as far as the simulator cares. */
export interface SimCall {
  operation: 'generate' | 'models';
  stream: boolean;
  model: string;
  /** OpenAI sends usage in the stream only when asked (`stream_options.include_usage`). */
  includeUsage: boolean;
}

/** One API's wire format: how it frames streams, answers and errors, and its CORS manners. */
export interface WireProtocol {
  readonly provider: SimProvider;
  readonly defaultFixture: string;
  readonly contentType: string;
  parse(method: string, path: string, body: unknown): SimCall | undefined;
  /** Complete server-sent event frames replaying a recorded stream, each payload line through `edit` if given. */
  fixtureFrames(name: string, edit?: (line: string) => string): string[];
  fixtureJson(name: string): string;
  /** How many frames `textFrames` sends before the first delta's. */
  readonly openingFrames: number;
  /** Frames streaming `deltas` as this API does: opening frames, one per delta, closing ones. */
  textFrames(call: SimCall, deltas: readonly string[], usage: SimUsage): string[];
  jsonBody(call: SimCall, text: string, usage: SimUsage): string;
  error(scenario: ErrorScenario, retryAfterSeconds: number): SimResponse;
  malformedFrame(): string;
  midStreamErrorFrame(): string | undefined;
  models(): string;
  /**
   * The CORS headers the real host sends: for a preflight asking for `requestHeaders`,
   * or (`requestHeaders` undefined) on an actual response with `status`.
   */
  cors(origin: string, requestHeaders: readonly string[] | undefined, status: number): Record<string, string>;
}

/** An SSE frame with only a data line; Gemini separates frames with CRLF pairs. */
export function dataFrame(data: string, separator = '\n\n'): string {
  return `data: ${data}${separator}`;
}
