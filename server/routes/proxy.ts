import { timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  type ProxyOptions,
  type ProxyProvider,
  allowedPaths,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  keyHeaders,
  officialUpstreams,
  proxyProviders,
} from '../proxy/proxy-config.ts';
import { RateLimiter } from '../proxy/rate-limiter.ts';

const defaultMaxBodyBytes = 4 * 1024 * 1024;

/**
 * `/api/proxy/<provider>/<api path>`: forwards a model call to the provider's one fixed
 * upstream, for networks that block direct calls or for keys kept on the server.
 *
 * What keeps it from being an open proxy (NextChat's leaked keys and SSRF came from
 * upstreams taken from the request): the upstream is fixed per provider and never read
 * from the path, query or headers; only the API paths of `allowedPaths` pass; redirects
 * are refused, not followed; only listed headers go up (never cookies) and come back.
 * Streams pass through as they arrive. When the server holds a provider's key, the
 * client must present `x-orchestra-token` and its own key headers are dropped.
 */
export function proxyRoute(options: ProxyOptions = {}) {
  const upstreams = { ...officialUpstreams, ...options.upstreams };
  const fetcher = options.fetch ?? globalThis.fetch;
  const limiter = new RateLimiter(
    options.rateLimit?.requests ?? 120,
    options.rateLimit?.windowMs ?? 60_000,
    options.now ?? Date.now,
  );
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const route = new Hono();

  const refuse = <C extends Context>(c: C, status: 400 | 401 | 403 | 404 | 413 | 429 | 502, message: string) =>
    c.json({ error: 'proxy', message }, status);

  route.use('*', async (c, next) => {
    // A DNS-rebinding page reaches us under its own name: a same-origin GET carries no
    // Origin, only a Host naming that page. Every request must name one of our own hosts.
    if (options.ownOrigins && !hostIsOwn(c.req.header('host') ?? new URL(c.req.url).host, options.ownOrigins)) {
      return refuse(c, 403, 'This proxy answers only requests addressed to this server by its own name.');
    }
    // "Same origin" is what the configuration says is ours, never what the Host header says.
    const origin = c.req.header('origin');
    const crossOrigin = origin !== undefined && !(options.ownOrigins ?? []).includes(origin);
    if (crossOrigin && !options.allowedOrigins?.includes(origin)) {
      return refuse(c, 403, 'This proxy answers only the Orchestra app it is served with.');
    }
    if (crossOrigin) {
      c.header('access-control-allow-origin', origin);
      c.header('vary', 'origin');
    }
    if (c.req.method === 'OPTIONS') {
      if (crossOrigin) {
        c.header('access-control-allow-methods', 'GET, POST');
        c.header('access-control-allow-headers', c.req.header('access-control-request-headers') ?? '');
      }
      return c.body(null, 204);
    }
    const waitMs = limiter.take(clientOf(c.env));
    if (waitMs > 0) {
      c.header('retry-after', String(Math.ceil(waitMs / 1000)));
      return refuse(c, 429, 'Too many proxied calls from this client; wait a moment.');
    }
    await next();
  });

  route.use(
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => refuse(c, 413, `Request bodies through the proxy are limited to ${maxBodyBytes} bytes.`),
    }),
  );

  route.on(['GET', 'POST'], '/:provider/*', async (c) => {
    const provider = c.req.param('provider') as ProxyProvider;
    if (!proxyProviders.includes(provider)) return refuse(c, 404, 'The proxy knows no such provider.');
    const prefix = `/api/proxy/${provider}`;
    const rawPath = new URL(c.req.url).pathname;
    const path = rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : '';
    if (!allowedPaths[provider].test(path)) return refuse(c, 404, 'The proxy does not forward this path.');

    const serverKey = options.serverKeys?.[provider];
    if (serverKey !== undefined && !tokenMatches(c.req.header('x-orchestra-token'), options.clientToken)) {
      return refuse(c, 401, 'This server holds the keys: send the proxy token set in Settings.');
    }

    // The upstream origin is fixed; only the vetted path and the query are taken from the request.
    const target = new URL(upstreams[provider]);
    target.pathname = `${target.pathname.replace(/\/$/, '')}${path}`;
    target.search = new URL(c.req.url).search;
    if (serverKey !== undefined) target.searchParams.delete('key');
    if (target.origin !== new URL(upstreams[provider]).origin) return refuse(c, 400, 'Refused upstream.');

    const headers = new Headers();
    for (const name of forwardedRequestHeaders) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    if (serverKey === undefined) {
      for (const name of keyHeaders[provider]) {
        const value = c.req.header(name);
        if (value !== undefined) headers.set(name, value);
      }
    } else {
      headers.set(
        keyHeaders[provider][0] ?? 'authorization',
        provider === 'openai' ? `Bearer ${serverKey}` : serverKey,
      );
    }

    let upstream: Response;
    try {
      upstream = await fetcher(target, {
        method: c.req.method,
        headers,
        ...(c.req.method === 'POST' ? { body: await c.req.arrayBuffer() } : {}),
        redirect: 'manual',
        signal: c.req.raw.signal,
      });
    } catch {
      return refuse(c, 502, `The proxy could not reach ${provider}.`);
    }
    if (upstream.status >= 300 && upstream.status < 400) {
      await upstream.body?.cancel();
      return refuse(c, 502, 'The provider answered with a redirect, which the proxy does not follow.');
    }
    const responseHeaders = new Headers();
    upstream.headers.forEach((value, name) => {
      if (forwardedResponseHeaders.test(name)) responseHeaders.set(name, value);
    });
    c.res.headers.forEach((value, name) => {
      if (name.startsWith('access-control-') || name === 'vary') responseHeaders.set(name, value);
    });
    return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
  });

  route.all('*', (c) => refuse(c, 404, 'The proxy does not forward this path.'));
  return route;
}

/** Compares tokens in constant time, so response timing does not reveal a prefix. */
function tokenMatches(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The client's address where the server knows it (Node); one bucket otherwise. */
function clientOf(env: unknown): string {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * Whether a request's Host header names one of the server's own origins (host and port,
 * as the browser writes it: no port for the scheme's default). No Host at all is refused.
 *
 * @example hostIsOwn('127.0.0.1:8787', ['http://127.0.0.1:8787']) // true
 */
export function hostIsOwn(host: string | undefined, ownOrigins: readonly string[]): boolean {
  if (!host) return false;
  const wanted = host.trim().toLowerCase();
  return ownOrigins.some((origin) => {
    try {
      return new URL(origin).host === wanted;
    } catch {
      return false;
    }
  });
}
