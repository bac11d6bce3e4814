import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ProxyOptions } from './proxy/proxy-config.ts';
import { healthRoute } from './routes/health.ts';
import { proxyRoute } from './routes/proxy.ts';
import { type SecurityOptions, sandboxFrameHeaders, securityHeaders } from './security-headers.ts';
import { serveDist } from './static/serve-dist.ts';
import { type SyncRouteOptions, syncRoute } from './sync/sync-route.ts';

export interface AppOptions extends SecurityOptions {
  /** The built app to serve. */
  distDir: string;
  version: string;
  startedAt?: number;
  /** The model proxy at /api/proxy; `server/main.ts` fills it from the environment. */
  proxy?: ProxyOptions;
  /** The Durable Streams sync server at /sync; without it, /sync is not served. */
  sync?: SyncRouteOptions;
}

/**
 * The whole server as a pure Hono app: no port, no process, testable with
 * `app.request('/api/health')`. `server/main.ts` binds it to a socket.
 */
export function createApp(options: AppOptions) {
  const app = new Hono();
  // Outermost, so that its headers for the code-running frame are the last word.
  app.use('/sandbox/*', sandboxFrameHeaders());
  app.use('*', securityHeaders(options));

  const api = new Hono();
  api.route('/', healthRoute({ version: options.version, startedAt: options.startedAt ?? Date.now() }));
  api.route('/proxy', proxyRoute(options.proxy));
  // Anything else under /api is a JSON 404, never the app's HTML.
  api.all('*', (c) => c.json({ error: 'not_found', message: `No API at ${c.req.method} ${c.req.path}.` }, 404));
  app.route('/api', api);
  if (options.sync) app.route('/sync', syncRoute(options.sync));

  app.use('*', serveDist({ root: options.distDir }));
  app.notFound((c) => c.text('Not found.', 404));
  app.onError((error, c) => {
    const status = error instanceof HTTPException ? error.status : 500;
    const message = error instanceof HTTPException ? error.message : 'The server hit an unexpected problem.';
    return c.req.path.startsWith('/api/') || c.req.path.startsWith('/sync/')
      ? c.json({ error: status === 500 ? 'internal' : 'request', message }, status)
      : c.text(message, status);
  });
  return app;
}
