/** The providers the proxy forwards to, each to one fixed upstream. */
export type ProxyProvider = 'anthropic' | 'openai' | 'gemini';

export const proxyProviders: readonly ProxyProvider[] = ['anthropic', 'openai', 'gemini'];

export const officialUpstreams: Record<ProxyProvider, string> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com',
  gemini: 'https://generativelanguage.googleapis.com',
};

/**
 * The API paths the proxy forwards, per provider; anything else is refused. A proxy
 * that forwards any path is a proxy for the whole host.
 */
export const allowedPaths: Record<ProxyProvider, RegExp> = {
  anthropic: /^\/v1\/(messages|messages\/count_tokens|models)$/,
  openai: /^\/v1\/(chat\/completions|models)$/,
  gemini: /^\/v1beta\/models(\/[\w.-]+:(generateContent|streamGenerateContent|countTokens))?$/,
};

/** Request headers passed upstream; every other header (cookies first) is dropped. */
export const forwardedRequestHeaders = [
  'content-type',
  'accept',
  'anthropic-version',
  'anthropic-beta',
  'x-goog-api-client',
];

/** The headers that carry each provider's key. */
export const keyHeaders: Record<ProxyProvider, readonly string[]> = {
  anthropic: ['x-api-key', 'authorization'],
  openai: ['authorization'],
  gemini: ['x-goog-api-key'],
};

/** Response headers passed back: the body's type and what clients need to pace themselves. */
export const forwardedResponseHeaders =
  /^(content-type|retry-after|retry-after-ms|request-id|x-request-id|(anthropic-)?ratelimit-.*|x-ratelimit-.*)$/i;

export interface ProxyOptions {
  /** Upstream origin per provider. Only tests change these (to the simulator). */
  upstreams?: Partial<Record<ProxyProvider, string>>;
  /** Keys the server holds (from its environment); clients then need `clientToken`, not a key. */
  serverKeys?: Partial<Record<ProxyProvider, string>>;
  /** The token a client sends as `x-orchestra-token` when the server holds the keys. */
  clientToken?: string;
  /** Origins besides the app's own that may call the proxy from a browser. */
  allowedOrigins?: readonly string[];
  /**
   * The app's own origins, from the server's configuration (`ownOriginsFor`), read at
   * each request so that a port chosen at start-up can be added once known. Never taken
   * from the Host header: a DNS-rebinding page sends a Host and an Origin that agree.
   */
  ownOrigins?: readonly string[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Requests a client may make per window. */
  rateLimit?: { requests: number; windowMs: number };
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/**
 * The origins this server's own app is served from: `ORCHESTRA_PUBLIC_ORIGIN` (space
 * separated) when set, as behind a reverse proxy; else the address it listens on, and
 * `localhost` too when that is the loopback address.
 *
 * @example ownOriginsFor({ hostname: '127.0.0.1', port: 8787, env: {} })
 * // ['http://127.0.0.1:8787', 'http://localhost:8787']
 */
export function ownOriginsFor(input: {
  hostname: string;
  port: number;
  env: Record<string, string | undefined>;
}): string[] {
  const configured = (input.env['ORCHESTRA_PUBLIC_ORIGIN'] ?? '').split(/\s+/).filter(Boolean);
  if (configured.length > 0) return configured.map((origin) => new URL(origin).origin);
  const host = input.hostname.includes(':') ? `[${input.hostname}]` : input.hostname;
  const origins = [new URL(`http://${host}:${input.port}`).origin];
  if (['127.0.0.1', '::1', 'localhost'].includes(input.hostname)) {
    origins.push(new URL(`http://localhost:${input.port}`).origin);
  }
  return origins;
}

/**
 * Proxy options from the server's environment: `ORCHESTRA_ANTHROPIC_API_KEY`,
 * `ORCHESTRA_OPENAI_API_KEY`, `ORCHESTRA_GEMINI_API_KEY` (keys held by the server),
 * `ORCHESTRA_PROXY_TOKEN` (required with them), `ORCHESTRA_PROXY_ORIGINS` (extra origins).
 */
export function proxyOptionsFromEnv(env: Record<string, string | undefined>): ProxyOptions {
  const serverKeys: Partial<Record<ProxyProvider, string>> = {};
  for (const provider of proxyProviders) {
    const key = env[`ORCHESTRA_${provider.toUpperCase()}_API_KEY`];
    if (key) serverKeys[provider] = key;
  }
  const origins = (env['ORCHESTRA_PROXY_ORIGINS'] ?? '').split(/\s+/).filter(Boolean);
  return {
    serverKeys,
    ...(env['ORCHESTRA_PROXY_TOKEN'] ? { clientToken: env['ORCHESTRA_PROXY_TOKEN'] } : {}),
    ...(origins.length > 0 ? { allowedOrigins: origins } : {}),
  };
}
