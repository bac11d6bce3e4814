/**
 * The provider simulator: a loopback HTTP server speaking the wire protocols of
 * Anthropic Messages, OpenAI Chat Completions (and OpenAI-compatible servers) and Gemini,
 * replaying recorded responses and scripted scenarios. Tests, e2e tests and benchmarks
 * start it with one call:
 *
 * @example
 * const sim = await startSimulator();
 * sim.enqueue('openai', { kind: 'rate-limited', retryAfterSeconds: 1 });
 * new OpenAI({ baseURL: sim.baseUrl('openai'), apiKey: 'sk-test' });
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PromptCaches } from './prompt-cache.ts';
import type { Pace, Scenario, SimUsage } from './scenario.ts';
import { anthropicWire } from './wire/anthropic.ts';
import { geminiWire } from './wire/gemini.ts';
import { openaiWire } from './wire/openai.ts';
import type { SimCall, SimProvider, WireProtocol } from './wire/wire-protocol.ts';

export type { Scenario } from './scenario.ts';

/** Chooses the answer to a request from what it asks. */
export type Responder = (request: RecordedRequest) => Scenario | undefined;
export type { SimProvider } from './wire/wire-protocol.ts';

/** What the simulator received, so tests can assert on headers and bodies. */
export interface RecordedRequest {
  provider: SimProvider;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: unknown;
  /** Whether the client went away before the response ended (an abort reached the wire). */
  aborted: boolean;
}

/**
 * What the simulator billed one generation request for, as a provider would: the input it
 * received and the output it streamed — up to the cut when the client went away or the
 * stream was cut — whether or not the client kept the answer. Errors before any output
 * (429, 500…) and requests never answered are not billed.
 */
export interface SimBill {
  provider: SimProvider;
  model: string;
  /** Every input token, cached ones included. */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  /** The whole answer was sent (its usage frame among it). */
  complete: boolean;
  /** The request billed (absent where a scenario is played without one). */
  request?: RecordedRequest;
}

export interface Simulator {
  origin: string;
  /** The base URL to give the provider's SDK. */
  baseUrl(provider: SimProvider): string;
  /** Scripts the next requests to `provider`, one scenario each, in order. */
  enqueue(provider: SimProvider, ...scenarios: Scenario[]): void;
  /**
   * Answers requests to `provider` that nothing was queued for by looking at them (e.g.
   * by the agent role named in the system prompt); `undefined` falls back to the fixture.
   */
  respond(provider: SimProvider, responder: Responder | undefined): void;
  readonly requests: readonly RecordedRequest[];
  /** What each generation request was billed for so far (a streaming one grows as it streams). */
  readonly bills: readonly SimBill[];
  /** Resolves when every response so far has ended or been cut. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const wires: Record<SimProvider, WireProtocol> = {
  anthropic: anthropicWire,
  openai: openaiWire('openai', 'openai-text'),
  'openai-compatible': openaiWire('openai-compatible', 'xai-text'),
  gemini: geminiWire,
};

// The path prefix after which each provider's SDK appends its own API paths.
const sdkPaths: Record<SimProvider, string> = {
  anthropic: '',
  openai: '/v1',
  'openai-compatible': '/v1',
  gemini: '',
};

const errorKinds: ReadonlySet<Scenario['kind']> = new Set([
  'rate-limited',
  'server-error',
  'overloaded',
  'auth',
  'permission',
  'bad-request',
  'context-too-long',
]);

const defaultText = 'Hello from the simulator. This answer streams word by word, the way a model would send it.';

export interface SimulatorOptions {
  port?: number;
  /**
   * Models each provider's prompt cache (tests/sim/prompt-cache.ts): input tokens are
   * counted from the prompt (four characters a token) and the cached-token fields filled
   * in. Off, every answer reports 20 input tokens and no cache, as recorded tests expect.
   */
  promptCache?: boolean;
  /** The clock of the cache model, for tests that let entries expire. */
  now?: () => number;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const caches = options.promptCache ? new PromptCaches(options.now) : undefined;
  const queues = new Map<SimProvider, Scenario[]>();
  const responders = new Map<SimProvider, Responder>();
  const requests: RecordedRequest[] = [];
  const bills: SimBill[] = [];
  const sockets = new Set<Socket>();
  const inFlight = new Set<Promise<void>>();

  const server = createServer((request, response) => {
    const work = handle(request, response).catch(() => {
      response.destroy();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim');
    const [, first = '', ...rest] = url.pathname.split('/');
    const provider = first as SimProvider;
    const wire = wires[provider];
    if (!wire) {
      response.writeHead(404).end();
      return;
    }
    const path = `/${rest.join('/')}`;
    const origin = request.headers.origin ?? '*';

    if (request.method === 'OPTIONS') {
      const asked = (request.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((header) => header.trim().toLowerCase())
        .filter(Boolean);
      response.writeHead(204, wire.cors(origin, asked, 204)).end();
      return;
    }

    const raw = await readBody(request);
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const record: RecordedRequest = {
      provider,
      method: request.method ?? 'GET',
      path,
      query: url.search,
      headers: flatHeaders(request),
      body,
      aborted: false,
    };
    requests.push(record);
    response.on('close', () => {
      if (!response.writableFinished) record.aborted = true;
    });

    const call = wire.parse(record.method, path, body);
    if (!call) {
      response.writeHead(404, { 'content-type': 'application/json', ...wire.cors(origin, undefined, 404) });
      response.end(JSON.stringify({ error: { message: `The simulator has no ${record.method} ${path}.` } }));
      return;
    }
    if (call.operation === 'models') {
      // A queued failure applies to listing models too (that is how keys are tested).
      const queued = queues.get(provider)?.[0];
      if (queued && errorKinds.has(queued.kind)) {
        queues.get(provider)?.shift();
        await play(wire, call, queued, origin, response);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', ...wire.cors(origin, undefined, 200) });
      response.end(wire.models());
      return;
    }
    const scenario = queues.get(provider)?.shift() ?? responders.get(provider)?.(record) ?? { kind: 'fixture' };
    const cached = caches?.usageFor(provider, body);
    await play(wire, call, scenario, origin, response, cached?.usage, cached?.begun, (usage) => {
      const bill: SimBill = {
        provider,
        model: call.model,
        inputTokens: usage.inputTokens,
        cachedInputTokens: usage.cachedInputTokens ?? 0,
        cacheWriteTokens: usage.cacheWriteTokens ?? 0,
        outputTokens: 0,
        complete: false,
        request: record,
      };
      bills.push(bill);
      return bill;
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    baseUrl: (provider) => `${origin}/${provider}${sdkPaths[provider]}`,
    enqueue(provider, ...scenarios) {
      queues.set(provider, [...(queues.get(provider) ?? []), ...scenarios]);
    },
    respond(provider, responder) {
      if (responder) responders.set(provider, responder);
      else responders.delete(provider);
    },
    requests,
    bills,
    async settled() {
      await Promise.allSettled([...inFlight]);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function play(
  wire: WireProtocol,
  call: SimCall,
  scenario: Scenario,
  origin: string,
  response: ServerResponse,
  input?: Pick<SimUsage, 'inputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'>,
  /** Called as the answer begins: what the request wrote to a prompt cache is readable from then on. */
  begun: () => void = () => {},
  billFor: (usage: SimUsage) => SimBill = (usage) => ({
    provider: wire.provider,
    model: call.model,
    inputTokens: usage.inputTokens,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    complete: false,
  }),
): Promise<void> {
  const usageOf = (text: string): SimUsage => ({ ...usageFor(text), ...input });
  const cors = (status: number) => wire.cors(origin, undefined, status);
  const sendError = (kind: Parameters<WireProtocol['error']>[0], retryAfterSeconds = 1) => {
    const failure = wire.error(kind, retryAfterSeconds);
    response.writeHead(failure.status, { ...failure.headers, ...cors(failure.status) }).end(failure.body);
  };

  switch (scenario.kind) {
    case 'rate-limited':
      return sendError('rate-limited', scenario.retryAfterSeconds ?? 1);
    case 'server-error':
    case 'overloaded':
    case 'auth':
    case 'permission':
    case 'bad-request':
    case 'context-too-long':
      return sendError(scenario.kind);
    case 'hang':
      if (scenario.after === 'request') return waitForClose(response);
      break;
    default:
      break;
  }

  if (!call.stream) {
    const text = answerText(scenario);
    const body =
      scenario.kind === 'fixture'
        ? wire.fixtureJson(scenario.name ?? wire.defaultFixture)
        : wire.jsonBody(call, text, usageOf(text));
    response.writeHead(200, { 'content-type': 'application/json', ...cors(200) });
    if (scenario.kind === 'malformed') response.end('{"id": "broken');
    else {
      if (scenario.kind !== 'fixture') {
        const usage = usageOf(text);
        Object.assign(billFor(usage), { outputTokens: usage.outputTokens, complete: true });
      }
      begun();
      response.end(body);
    }
    return;
  }

  response.writeHead(200, { 'content-type': wire.contentType, 'cache-control': 'no-cache', ...cors(200) });
  response.flushHeaders();

  if (scenario.kind === 'malformed') {
    begun();
    response.end(wire.malformedFrame());
    return;
  }
  const text = answerText(scenario);
  const deltas = splitTokens(text, scenario.kind === 'text' ? scenario.tokens : undefined);
  const usage = scenario.kind === 'text' && scenario.usage ? scenario.usage : usageOf(text);
  const frames =
    scenario.kind === 'fixture'
      ? wire.fixtureFrames(scenario.name ?? wire.defaultFixture, scenario.edit)
      : wire.textFrames(call, deltas, usage);
  // A recording bills what it recorded; scripted answers are billed here as they stream.
  const bill = scenario.kind === 'fixture' ? undefined : billFor(usage);
  /** Bills the first `count` frames as sent: the deltas among them, counted as `usage` counts. */
  const sent = (count: number) => {
    if (!bill) return;
    if (count >= frames.length) {
      Object.assign(bill, { outputTokens: usage.outputTokens, complete: true });
      return;
    }
    const streamed = deltas.slice(0, Math.max(0, Math.min(deltas.length, count - wire.openingFrames))).join('');
    bill.outputTokens = Math.min(usage.outputTokens, streamed === '' ? 0 : splitTokens(streamed).length);
  };

  if (scenario.kind === 'hang' || scenario.kind === 'mid-stream-error') begun();
  if (scenario.kind === 'hang') {
    const count = Math.min(frames.length - 1, 4);
    response.write(frames.slice(0, count).join(''));
    sent(count);
    return waitForClose(response);
  }
  if (scenario.kind === 'mid-stream-error') {
    const errorFrame = wire.midStreamErrorFrame();
    response.write(frames.slice(0, 4).join(''));
    sent(4);
    if (errorFrame) response.write(errorFrame);
    response.end();
    return;
  }
  const pace: Pace = ['heldUntil', 'heldHalfwayUntil', 'firstTokenMs', 'tokensPerSecond'].some((key) => key in scenario)
    ? scenario
    : {};
  const cutAt = scenario.kind === 'truncated' ? Math.floor(frames.length / 2) : frames.length;
  // Heard from the start: a client that goes away while the first token is awaited must
  // not be written to (a write to a closed response waits for a drain that never comes).
  let closed = response.destroyed;
  response.once('close', () => {
    closed = true;
  });
  if (pace.heldUntil) await pace.heldUntil;
  if (pace.firstTokenMs) await sleep(pace.firstTokenMs);
  // The prompt is read (and its prefix cached) before the first event goes out.
  if (!closed) begun();
  const gap = pace.tokensPerSecond ? 1000 / pace.tokensPerSecond : 0;
  // Frames keep to a schedule (frame i is due at start + i * gap) rather than sleeping
  // `gap` after each one: timers wake late on a busy machine, and late wakes would add up.
  const startedAt = performance.now();
  const halfway = Math.floor(cutAt / 2);
  for (const [index, frame] of frames.slice(0, cutAt).entries()) {
    if (index === halfway && pace.heldHalfwayUntil) await pace.heldHalfwayUntil;
    if (closed) return;
    const ahead = startedAt + index * gap - performance.now();
    if (gap > 0 && ahead >= 2) await sleep(ahead);
    if (closed) return;
    const flushed = response.write(frame);
    sent(index + 1);
    if (!flushed) {
      // A client that went away never drains: stop at close too.
      await new Promise<void>((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
        if (closed) resolve();
      });
    }
  }
  if (scenario.kind === 'truncated') {
    // A cut connection, not a clean end: the frames sent so far are flushed, then the
    // socket closes without the chunked body's terminator, so the client sees it stop.
    response.socket?.end();
    return;
  }
  response.end();
}

function answerText(scenario: Scenario): string {
  switch (scenario.kind) {
    case 'text':
    case 'truncated':
      return scenario.text ?? defaultText;
    case 'json':
      return JSON.stringify(scenario.value);
    case 'wrong-schema':
      return JSON.stringify({ unexpected: 'this is not what the schema asked for' });
    default:
      return defaultText;
  }
}

/** Splits text into `count` pieces, or on word boundaries; joined they give the text back. */
export function splitTokens(text: string, count?: number): string[] {
  if (count && count > 0) {
    const size = Math.max(1, Math.ceil(text.length / count));
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
    return pieces;
  }
  return text.match(/\s*\S+/g) ?? [text];
}

function usageFor(text: string): SimUsage {
  return { inputTokens: 20, outputTokens: splitTokens(text).length };
}

function waitForClose(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => response.once('close', () => resolve()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
