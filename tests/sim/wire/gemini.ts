import { readChunks, readJson } from '../fixtures.ts';
import type { SimUsage } from '../scenario.ts';
import { type ErrorScenario, type WireProtocol, dataFrame } from './wire-protocol.ts';

const separator = '\r\n\r\n';
const allowedHeaders = ['x-goog-api-key', 'x-goog-api-client', 'content-type'];

const errors: Record<Exclude<ErrorScenario, 'rate-limited'>, [number, string, string, unknown[]]> = {
  'server-error': [500, 'INTERNAL', 'An internal error has occurred.', []],
  overloaded: [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', []],
  // Gemini answers a bad key with 400, told apart from other bad requests by its reason.
  auth: [
    400,
    'INVALID_ARGUMENT',
    'API key not valid. Please pass a valid API key.',
    [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
  ],
  permission: [403, 'PERMISSION_DENIED', 'Permission denied: Consumer has been suspended.', []],
  'bad-request': [400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "nonsense".', []],
  'context-too-long': [
    400,
    'INVALID_ARGUMENT',
    'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
    [],
  ],
};

function usageOf(usage: SimUsage, outputTokens: number) {
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: usage.inputTokens + outputTokens,
    ...(usage.cachedInputTokens ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
  };
}

function response(call: { model: string }, text: string, usage: SimUsage, outputTokens: number, last: boolean) {
  return {
    candidates: [
      { content: { parts: [{ text }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) },
    ],
    usageMetadata: usageOf(usage, outputTokens),
    modelVersion: call.model,
    responseId: 'sim',
  };
}

/** Gemini generateContent / streamGenerateContent?alt=sse: CRLF-separated data frames, no end marker. */
export const geminiWire: WireProtocol = {
  provider: 'gemini',
  defaultFixture: 'google-text',
  openingFrames: 0,
  contentType: 'text/event-stream',

  parse(method, path) {
    const match = /^\/v1beta\/models\/([^:]+):(streamGenerateContent|generateContent)$/.exec(path);
    if (method === 'POST' && match) {
      return {
        operation: 'generate',
        stream: match[2] === 'streamGenerateContent',
        model: decodeURIComponent(match[1] ?? ''),
        includeUsage: true,
      };
    }
    if (method === 'GET' && path === '/v1beta/models')
      return { operation: 'models', stream: false, model: '', includeUsage: false };
    return undefined;
  },

  fixtureFrames: (name, edit = (line) => line) => readChunks(name).map((line) => dataFrame(edit(line), separator)),
  fixtureJson: readJson,

  textFrames(call, deltas, usage) {
    return deltas.map((text, index) => {
      const last = index === deltas.length - 1;
      const outputTokens = last ? usage.outputTokens : Math.min(usage.outputTokens, index + 1);
      return dataFrame(JSON.stringify(response(call, text, usage, outputTokens, last)), separator);
    });
  },

  jsonBody: (call, text, usage) => JSON.stringify(response(call, text, usage, usage.outputTokens, true)),

  error(scenario, retryAfterSeconds) {
    if (scenario === 'rate-limited') {
      const body = JSON.parse(readJson('google-429-retry-info')) as {
        error: { details: { '@type': string; retryDelay?: string }[] };
      };
      for (const detail of body.error.details) {
        if (detail.retryDelay !== undefined) detail.retryDelay = `${retryAfterSeconds}s`;
      }
      return { status: 429, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    }
    const [status, code, message, details] = errors[scenario];
    return {
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { code: status, message, status: code, details } }),
    };
  },

  malformedFrame: () => dataFrame('{"candidates":[{"content":{"parts":[{"text":"oops', separator),
  midStreamErrorFrame: () => undefined,

  models: () =>
    JSON.stringify({
      models: [
        {
          name: 'models/gemini-2.5-flash',
          displayName: 'Gemini 2.5 Flash',
          supportedGenerationMethods: ['generateContent'],
        },
        {
          name: 'models/gemini-2.5-pro',
          displayName: 'Gemini 2.5 Pro',
          supportedGenerationMethods: ['generateContent'],
        },
      ],
    }),

  // Google's preflight allows only these request headers; anything else fails CORS.
  cors(origin, requestHeaders) {
    if (requestHeaders && !requestHeaders.every((header) => allowedHeaders.includes(header))) return {};
    return {
      'access-control-allow-origin': origin,
      ...(requestHeaders
        ? { 'access-control-allow-headers': allowedHeaders.join(', '), 'access-control-allow-methods': 'GET, POST' }
        : {}),
    };
  },
};
