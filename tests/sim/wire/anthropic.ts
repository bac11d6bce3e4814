import { readChunks, readJson } from '../fixtures.ts';
import type { SimUsage } from '../scenario.ts';
import type { ErrorScenario, SimResponse, WireProtocol } from './wire-protocol.ts';

const errors: Record<ErrorScenario, [number, string, string]> = {
  'rate-limited': [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  'server-error': [500, 'api_error', 'Internal server error'],
  overloaded: [529, 'overloaded_error', 'Overloaded'],
  auth: [401, 'authentication_error', 'invalid x-api-key'],
  permission: [403, 'permission_error', 'Your API key does not have permission to use the specified resource.'],
  'bad-request': [400, 'invalid_request_error', 'max_tokens: Field required'],
  'context-too-long': [400, 'invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum'],
};

function event(payload: Record<string, unknown> & { type: string }): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function usageOf(usage: SimUsage, outputTokens: number) {
  return {
    input_tokens: usage.inputTokens - (usage.cachedInputTokens ?? 0) - (usage.cacheWriteTokens ?? 0),
    cache_creation_input_tokens: usage.cacheWriteTokens ?? 0,
    cache_read_input_tokens: usage.cachedInputTokens ?? 0,
    output_tokens: outputTokens,
  };
}

/** Anthropic Messages: named SSE events, `ping`s, usage in `message_start` and `message_delta`. */
export const anthropicWire: WireProtocol = {
  provider: 'anthropic',
  defaultFixture: 'anthropic-text',
  openingFrames: 3,
  contentType: 'text/event-stream; charset=utf-8',

  parse(method, path, body) {
    const request = (body ?? {}) as { model?: string; stream?: boolean };
    if (method === 'POST' && path === '/v1/messages') {
      return { operation: 'generate', stream: request.stream === true, model: request.model ?? '', includeUsage: true };
    }
    if (method === 'GET' && path === '/v1/models')
      return { operation: 'models', stream: false, model: '', includeUsage: false };
    return undefined;
  },

  fixtureFrames: (name, edit = (line) => line) =>
    readChunks(name)
      .map(edit)
      .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`),
  fixtureJson: readJson,

  textFrames(call, deltas, usage) {
    return [
      event({
        type: 'message_start',
        message: {
          id: 'msg_sim',
          type: 'message',
          role: 'assistant',
          model: call.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usageOf(usage, 1),
        },
      }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'ping' }),
      ...deltas.map((text) => event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
      event({ type: 'content_block_stop', index: 0 }),
      event({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: usageOf(usage, usage.outputTokens),
      }),
      event({ type: 'message_stop' }),
    ];
  },

  jsonBody(call, text, usage) {
    return JSON.stringify({
      id: 'msg_sim',
      type: 'message',
      role: 'assistant',
      model: call.model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: usageOf(usage, usage.outputTokens),
    });
  },

  error(scenario, retryAfterSeconds): SimResponse {
    const [status, type, message] = errors[scenario];
    return {
      status,
      headers: {
        'content-type': 'application/json',
        'request-id': 'req_sim',
        ...(scenario === 'rate-limited' ? { 'retry-after': String(retryAfterSeconds) } : {}),
      },
      body: JSON.stringify({ type: 'error', error: { type, message } }),
    };
  },

  malformedFrame: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"ty\n\n',
  midStreamErrorFrame: () => event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),

  models: () =>
    JSON.stringify({
      data: [
        {
          type: 'model',
          id: 'claude-sonnet-4-5-20250929',
          display_name: 'Claude Sonnet 4.5',
          created_at: '2025-09-29T00:00:00Z',
        },
        {
          type: 'model',
          id: 'claude-haiku-4-5-20251001',
          display_name: 'Claude Haiku 4.5',
          created_at: '2025-10-01T00:00:00Z',
        },
      ],
      has_more: false,
      first_id: 'claude-sonnet-4-5-20250929',
      last_id: 'claude-haiku-4-5-20251001',
    }),

  // Anthropic answers a browser's preflight only when it announces direct browser access
  // with this header, which the SDK sends only under `dangerouslyAllowBrowser`.
  cors(origin, requestHeaders) {
    if (requestHeaders && !requestHeaders.includes('anthropic-dangerous-direct-browser-access')) return {};
    return {
      'access-control-allow-origin': origin,
      ...(requestHeaders
        ? { 'access-control-allow-headers': requestHeaders.join(', '), 'access-control-allow-methods': 'GET, POST' }
        : {}),
    };
  },
};
