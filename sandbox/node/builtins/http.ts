/**
 * `http` servers that live in memory, and the `fetch` that reaches them: `createServer`,
 * `listen(0)`, `address().port`, `close`, IncomingMessage (headers, method, url, a body to
 * iterate or read by events) and ServerResponse (writeHead, setHeader, write, end). A
 * `fetch` to http://localhost, 127.0.0.1 or [::1] on a port a server of this test file
 * listens on is handed to that server; every other URL fails with "no network in the
 * sandbox" (the sandbox frame's Content-Security-Policy allows none anyway).
 */
import { Buffer } from 'buffer/index.js';
import events from 'events/events.js';
import type { EventLoop } from '../loop.ts';
import type { ModuleExports } from './module-exports.ts';

type Emitter = Record<string, unknown> & {
  emit(name: string, ...args: unknown[]): boolean;
  on(name: string, listener: (...args: unknown[]) => void): unknown;
  once(name: string, listener: (...args: unknown[]) => void): unknown;
  listenerCount(name: string): number;
};
const EventEmitter = events as unknown as new () => Emitter;

export const STATUS_CODES: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  418: "I'm a Teapot",
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/** A request's body as a readable stream: events ('data', 'end') or `for await`. */
class IncomingMessage extends EventEmitter {
  /** Runs a callback of the project's on a later microtask, through its event loop. */
  defer: (callback: () => void) => void = (callback) => queueMicrotask(callback);
  readonly headers: Record<string, string | string[]> = {};
  readonly rawHeaders: string[] = [];
  readonly httpVersion = '1.1';
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly trailers: Record<string, string> = {};
  method: string | undefined;
  url: string | undefined;
  statusCode: number | undefined;
  statusMessage: string | undefined;
  readonly socket = { remoteAddress: '127.0.0.1', remotePort: 50000, encrypted: false, destroy: () => undefined };
  readonly connection = this.socket;
  complete = false;
  readableEnded = false;
  destroyed = false;
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private flowing = false;
  private encoding: string | undefined;
  private waiting: (() => void) | undefined;

  constructor() {
    super();
    this.on('newListener', (name: unknown) => {
      if (name === 'data') this.resume();
    });
  }

  push(chunk: Buffer | null): void {
    if (chunk === null) this.ended = true;
    else this.chunks.push(chunk);
    this.waiting?.();
    if (this.flowing) this.flow();
  }

  setEncoding(encoding: string): this {
    this.encoding = encoding;
    return this;
  }

  resume(): this {
    if (!this.flowing) {
      this.flowing = true;
      this.defer(() => this.flow());
    }
    return this;
  }

  pause(): this {
    this.flowing = false;
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }

  setTimeout(): this {
    return this;
  }

  private flow(): void {
    while (this.flowing && this.chunks.length > 0) {
      const chunk = this.chunks.shift() as Buffer;
      this.emit('data', this.encoding ? chunk.toString(this.encoding) : chunk);
    }
    if (this.flowing && this.ended && !this.readableEnded) {
      this.readableEnded = true;
      this.complete = true;
      this.emit('end');
      this.emit('close');
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer | string> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        yield this.encoding ? chunk.toString(this.encoding) : chunk;
        continue;
      }
      if (this.ended) {
        this.readableEnded = true;
        this.complete = true;
        return;
      }
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = undefined;
    }
  }
}

function toBuffer(chunk: unknown, encoding?: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  throw new TypeError(
    `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${typeof chunk}`,
  );
}

interface ResponseSink {
  head(status: number, statusText: string, headers: [string, string][]): void;
  body(chunk: Buffer): void;
  end(): void;
}

class ServerResponse extends EventEmitter {
  defer: (callback: () => void) => void = (callback) => queueMicrotask(callback);
  statusCode = 200;
  statusMessage: string | undefined;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  finished = false;
  sendDate = true;
  readonly socket = { remoteAddress: '127.0.0.1', destroy: () => undefined };
  private readonly headers = new Map<string, { name: string; value: string | string[] }>();

  constructor(
    readonly req: IncomingMessage,
    private readonly sink: ResponseSink,
  ) {
    super();
  }

  setHeader(name: string, value: unknown): this {
    if (this.headersSent)
      throw Object.assign(new Error('Cannot set headers after they are sent to the client'), {
        code: 'ERR_HTTP_HEADERS_SENT',
      });
    this.headers.set(name.toLowerCase(), { name, value: Array.isArray(value) ? value.map(String) : String(value) });
    return this;
  }

  appendHeader(name: string, value: unknown): this {
    const existing = this.headers.get(name.toLowerCase());
    const values = [...(existing ? [existing.value].flat() : []), ...[value].flat().map(String)];
    this.headers.set(name.toLowerCase(), { name, value: values });
    return this;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.headers.get(name.toLowerCase())?.value;
  }

  getHeaders(): Record<string, string | string[]> {
    const result: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [key, { value }] of this.headers) result[key] = value;
    return result;
  }

  getHeaderNames(): string[] {
    return [...this.headers.keys()];
  }

  hasHeader(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }

  writeHead(status: number, message?: unknown, headers?: unknown): this {
    if (typeof message !== 'string') {
      headers = message;
      message = undefined;
    }
    this.statusCode = status;
    if (typeof message === 'string') this.statusMessage = message;
    if (Array.isArray(headers)) {
      for (let index = 0; index + 1 < headers.length; index += 2)
        this.setHeader(String(headers[index]), headers[index + 1]);
    } else if (typeof headers === 'object' && headers !== null) {
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) this.setHeader(name, value);
    }
    this.sendHead();
    return this;
  }

  flushHeaders(): void {
    this.sendHead();
  }

  write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (this.writableEnded) throw Object.assign(new Error('write after end'), { code: 'ERR_STREAM_WRITE_AFTER_END' });
    this.sendHead();
    const buffer = toBuffer(chunk, encoding);
    if (buffer.byteLength > 0) this.sink.body(buffer);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') this.defer(() => (done as () => void)());
    return true;
  }

  end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    }
    if (this.writableEnded) return this;
    if (chunk !== undefined && chunk !== null) this.write(chunk, typeof encoding === 'string' ? encoding : undefined);
    this.sendHead();
    this.writableEnded = true;
    this.finished = true;
    this.sink.end();
    this.defer(() => {
      this.writableFinished = true;
      this.emit('finish');
      this.emit('close');
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') (done as () => void)();
    });
    return this;
  }

  setTimeout(): this {
    return this;
  }

  private sendHead(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    const headers: [string, string][] = [];
    for (const { name, value } of this.headers.values()) {
      for (const item of [value].flat()) headers.push([name, item]);
    }
    this.sink.head(this.statusCode, this.statusMessage ?? STATUS_CODES[this.statusCode] ?? '', headers);
  }
}

type Listener = (...args: unknown[]) => unknown;

/** The servers of one test file, by port, and what they need from its event loop. */
export class VirtualNetwork {
  readonly servers = new Map<number, Server>();
  private nextPort = 40000 + Math.floor(Math.random() * 10000);

  constructor(
    readonly loop: EventLoop,
    /** Reports an error thrown by a request handler, charged to the running test. */
    readonly uncaught: (error: unknown) => void,
  ) {}

  freePort(): number {
    while (this.servers.has(this.nextPort)) this.nextPort += 1;
    return this.nextPort++;
  }

  /** Closes every server (the file is done). */
  close(): void {
    for (const server of [...this.servers.values()]) server.close();
  }

  /** The sandbox's `fetch`: loopback requests to these servers, nothing else. */
  fetch = async (input: unknown, init?: RequestInit): Promise<Response> => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (url.protocol !== 'http:' || !loopbackHosts.has(url.hostname)) {
      throw new TypeError(
        `fetch failed: no network in the sandbox (only http://localhost servers started by the tests can be reached): ${request.method} ${url.href}`,
      );
    }
    const server = this.servers.get(port);
    if (!server) {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', port }),
      });
    }
    if (request.signal.aborted) throw request.signal.reason as Error;
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: [string, string][] = [];
    request.headers.forEach((value, name) => headers.push([name, value]));
    if (!request.headers.has('host')) headers.unshift(['host', url.host]);
    return new Promise<Response>((resolve, reject) => {
      let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
      const release = this.loop.hold();
      const noBody = request.method === 'HEAD';
      let headSent = false;
      request.signal.addEventListener('abort', () => {
        release();
        const reason = request.signal.reason as Error;
        if (!headSent) reject(reason);
        else controller?.error(reason);
      });
      const sink: ResponseSink = {
        head: (status, statusText, responseHeaders) => {
          headSent = true;
          const nullBody = noBody || status === 204 || status === 205 || status === 304;
          const stream = nullBody
            ? null
            : new ReadableStream<Uint8Array>({
                start: (streamController) => {
                  controller = streamController;
                },
              });
          const responseHeaderList = new Headers();
          for (const [name, value] of responseHeaders) responseHeaderList.append(name, value);
          try {
            const response = new Response(stream, { status, statusText, headers: responseHeaderList });
            Object.defineProperty(response, 'url', { value: url.href });
            resolve(response);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        body: (chunk) => controller?.enqueue(new Uint8Array(chunk)),
        end: () => {
          release();
          try {
            controller?.close();
          } catch {
            // The reader cancelled the body.
          }
        },
      };
      const message = new IncomingMessage();
      const defer = (callback: () => void) => this.loop.queueMicrotask(callback);
      message.defer = defer;
      message.method = request.method;
      message.url = url.pathname + url.search;
      for (const [name, value] of headers) {
        message.rawHeaders.push(name, value);
        const existing = message.headers[name];
        message.headers[name] =
          existing === undefined
            ? value
            : name === 'set-cookie'
              ? [existing, value].flat()
              : `${String(existing)}, ${value}`;
      }
      const response = new ServerResponse(message, sink);
      response.defer = defer;
      if (body) message.push(body);
      message.push(null);
      server.dispatch(message, response);
    });
  };
}

/** An http.Server that listens on a port of the virtual network. */
export class Server extends EventEmitter {
  listening = false;
  keepAliveTimeout = 5000;
  headersTimeout = 60000;
  requestTimeout = 300000;
  timeout = 0;
  maxHeadersCount: number | null = null;
  private port: number | undefined;
  private host: string | undefined;
  private release: (() => void) | undefined;
  private referenced = true;

  constructor(
    private readonly network: VirtualNetwork,
    handler?: Listener,
  ) {
    super();
    if (handler) this.on('request', handler);
  }

  dispatch(request: IncomingMessage, response: ServerResponse): void {
    try {
      const results = this.listeners('request').map((listener) => (listener as Listener).call(this, request, response));
      for (const result of results) {
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(undefined, (error: unknown) => this.network.uncaught(error));
        }
      }
    } catch (error) {
      this.network.uncaught(error);
    }
  }

  private listeners(name: string): unknown[] {
    return ((this as unknown as { rawListeners(event: string): unknown[] }).rawListeners(name) ?? []).slice();
  }

  listen(...args: unknown[]): this {
    let port: unknown;
    let host: unknown;
    let callback: unknown;
    for (const arg of args) {
      if (typeof arg === 'function') callback = arg;
      else if (typeof arg === 'object' && arg !== null) {
        port = (arg as { port?: unknown }).port;
        host = (arg as { host?: unknown }).host;
      } else if (port === undefined && (typeof arg === 'number' || (typeof arg === 'string' && /^\d+$/.test(arg))))
        port = arg;
      else if (host === undefined && typeof arg === 'string') host = arg;
    }
    if (typeof callback === 'function') this.once('listening', callback as (...values: unknown[]) => void);
    const requested = port === undefined || port === null ? 0 : Number(port);
    this.network.loop.queueMicrotask(() => {
      if (requested !== 0 && this.network.servers.has(requested)) {
        this.emit(
          'error',
          Object.assign(new Error(`listen EADDRINUSE: address already in use :::${requested}`), {
            code: 'EADDRINUSE',
            port: requested,
          }),
        );
        return;
      }
      this.port = requested === 0 ? this.network.freePort() : requested;
      this.host = typeof host === 'string' ? host : undefined;
      this.network.servers.set(this.port, this);
      this.listening = true;
      if (this.referenced) this.release = this.network.loop.hold();
      this.emit('listening');
    });
    return this;
  }

  address(): { address: string; family: string; port: number } | null {
    if (!this.listening || this.port === undefined) return null;
    const host = this.host === 'localhost' ? '127.0.0.1' : this.host;
    if (host === undefined || host === '::') return { address: '::', family: 'IPv6', port: this.port };
    return { address: host, family: host.includes(':') ? 'IPv6' : 'IPv4', port: this.port };
  }

  close(callback?: (error?: Error) => void): this {
    if (!this.listening) {
      if (callback)
        this.network.loop.queueMicrotask(() =>
          callback(Object.assign(new Error('Server is not running.'), { code: 'ERR_SERVER_NOT_RUNNING' })),
        );
      return this;
    }
    this.listening = false;
    if (this.port !== undefined) this.network.servers.delete(this.port);
    this.release?.();
    this.release = undefined;
    this.network.loop.queueMicrotask(() => {
      this.emit('close');
      callback?.();
    });
    return this;
  }

  closeAllConnections(): void {}

  closeIdleConnections(): void {}

  setTimeout(): this {
    return this;
  }

  ref(): this {
    this.referenced = true;
    if (this.listening && !this.release) this.release = this.network.loop.hold();
    return this;
  }

  unref(): this {
    this.referenced = false;
    this.release?.();
    this.release = undefined;
    return this;
  }
}

const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
if (asyncDispose) {
  Object.defineProperty(Server.prototype, asyncDispose, {
    value(this: Server) {
      return new Promise<void>((resolve) => this.close(() => resolve()));
    },
  });
}

/** The `http` built-in of one test file. */
export function createHttp(network: VirtualNetwork): Record<string, unknown> {
  const unsupported = (name: string) => () => {
    throw new Error(
      `http.${name} is not available in the sandbox yet; use fetch() to call a server started by the test`,
    );
  };
  const http: ModuleExports = {
    createServer: (options?: unknown, handler?: unknown) =>
      new Server(network, (typeof options === 'function' ? options : handler) as Listener | undefined),
    Server,
    IncomingMessage,
    ServerResponse,
    STATUS_CODES,
    METHODS,
    request: unsupported('request'),
    get: unsupported('get'),
    Agent: class Agent {},
    globalAgent: {},
    maxHeaderSize: 16384,
  };
  http.default = http;
  return http;
}
