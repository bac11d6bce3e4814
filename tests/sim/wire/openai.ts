import { readChunks, readJson } from '../fixtures.ts';
import type { SimUsage } from '../scenario.ts';
import { type ErrorScenario, type SimProvider, type WireProtocol, dataFrame } from './wire-protocol.ts';

const errors: Record<ErrorScenario, [number, string, string | null, string]> = {
  'rate-limited': [429, 'requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again later.'],
  'server-error': [500, 'server_error', null, 'The server had an error while processing your request.'],
  overloaded: [503, 'server_error', null, 'The engine is currently overloaded, please try again later.'],
  auth: [
    401,
    'invalid_request_error',
    'invalid_api_key',
    'Incorrect API key provided. You can find your API key in your account settings.',
  ],
  permission: [403, 'invalid_request_error', 'model_not_found', 'You are not allowed to sample from this model.'],
  'bad-request': [400, 'invalid_request_error', null, "Unrecognized request argument supplied: 'nonsense'"],
  'context-too-long': [
    400,
    'invalid_request_error',
    'context_length_exceeded',
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 250000 tokens.",
  ],
};

function chunk(model: string, choices: unknown[], usage: unknown = null): string {
  return dataFrame(
    JSON.stringify({ id: 'chatcmpl-sim', object: 'chat.completion.chunk', created: 1770000000, model, choices, usage }),
  );
}

function usageOf(usage: SimUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
  };
}

/**
 * OpenAI Chat Completions: `data:` chunks, `[DONE]`, usage in a last chunk with no
 * choices only when the request asked for it. OpenAI-compatible servers speak the same.
 */
export function openaiWire(provider: SimProvider, defaultFixture: string): WireProtocol {
  return {
    provider,
    defaultFixture,
    openingFrames: 1,
    contentType: 'text/event-stream; charset=utf-8',

    parse(method, path, body) {
      const request = (body ?? {}) as {
        model?: string;
        stream?: boolean;
        stream_options?: { include_usage?: boolean };
      };
      if (method === 'POST' && path === '/v1/chat/completions') {
        return {
          operation: 'generate',
          stream: request.stream === true,
          model: request.model ?? '',
          includeUsage: request.stream_options?.include_usage === true,
        };
      }
      if (method === 'GET' && path === '/v1/models')
        return { operation: 'models', stream: false, model: '', includeUsage: false };
      return undefined;
    },

    fixtureFrames: (name, edit = (line) => line) => [
      ...readChunks(name).map((line) => dataFrame(edit(line))),
      dataFrame('[DONE]'),
    ],
    fixtureJson: readJson,

    textFrames(call, deltas, usage) {
      return [
        chunk(call.model, [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
        ...deltas.map((content) => chunk(call.model, [{ index: 0, delta: { content }, finish_reason: null }])),
        chunk(call.model, [{ index: 0, delta: {}, finish_reason: 'stop' }]),
        ...(call.includeUsage ? [chunk(call.model, [], usageOf(usage))] : []),
        dataFrame('[DONE]'),
      ];
    },

    jsonBody(call, text, usage) {
      return JSON.stringify({
        id: 'chatcmpl-sim',
        object: 'chat.completion',
        created: 1770000000,
        model: call.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: usageOf(usage),
      });
    },

    error(scenario, retryAfterSeconds) {
      const [status, type, code, message] = errors[scenario];
      return {
        status,
        headers: {
          'content-type': 'application/json',
          ...(scenario === 'rate-limited' ? { 'retry-after': String(retryAfterSeconds) } : {}),
        },
        body: JSON.stringify({ error: { message, type, param: null, code } }),
      };
    },

    malformedFrame: () => dataFrame('{"id":"chatcmpl-sim","choices":[{"delta":{"content":"oops'),
    midStreamErrorFrame: () => undefined,

    models: () =>
      JSON.stringify({
        object: 'list',
        data: [
          { id: 'gpt-4.1-nano', object: 'model', created: 1744316542, owned_by: 'system' },
          { id: 'gpt-5-mini', object: 'model', created: 1754425928, owned_by: 'system' },
        ],
      }),

    // OpenAI's preflight allows any headers, but a 401 comes back with no CORS headers
    // at all, so a browser sees an opaque network error for a rejected key.
    cors(origin, requestHeaders, status) {
      if (!requestHeaders && status === 401) return {};
      return {
        'access-control-allow-origin': origin,
        ...(requestHeaders
          ? { 'access-control-allow-headers': requestHeaders.join(', '), 'access-control-allow-methods': 'GET, POST' }
          : {}),
      };
    },
  };
}
