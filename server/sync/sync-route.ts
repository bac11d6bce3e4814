import { type Context, Hono } from 'hono';
import { RateLimiter } from '../proxy/rate-limiter.ts';
import { appendStream } from './protocol/append-stream.ts';
import { refuse, type StreamRequest } from './protocol/context.ts';
import { createStream } from './protocol/create-stream.ts';
import { deleteStream } from './protocol/delete-stream.ts';
import { LiveWaiters } from './protocol/live-waiters.ts';
import { headStream, readStream } from './protocol/read-stream.ts';
import { bearerToken, hashToken, spaceIdPattern, tokenOpens, tokenPattern } from './spaces/space-token.ts';
import type { SyncStore } from './store/contract.ts';
import { defaultSyncLimits, type SyncLimits } from './sync-options.ts';

export interface SyncRouteOptions {
  store: SyncStore;
  limits?: Partial<SyncLimits>;
  now?: () => number;
}

/** Headers a browser on another origin may send and read (the sync server may be elsewhere). */
const allowHeaders =
  'authorization, content-type, if-none-match, stream-closed, stream-ttl, stream-expires-at, stream-seq, stream-forked-from, stream-fork-offset, stream-fork-sub-offset, producer-id, producer-epoch, producer-seq';
const exposeHeaders =
  'etag, location, retry-after, stream-next-offset, stream-up-to-date, stream-closed, stream-cursor, stream-ttl, stream-expires-at, stream-sse-data-encoding, producer-epoch, producer-seq, producer-expected-seq, producer-received-seq';

const maxPathLength = 1024;

const hasControlCharacter = (text: string) => {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

/** The stream path inside the space, decoded and checked, or a refusal. */
function streamPath(url: string, prefix: string): string | Response {
  const raw = new URL(url).pathname.slice(prefix.length);
  let segments: string[];
  try {
    segments = raw.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return refuse(400, 'bad_path', 'The stream path is not valid percent-encoding.');
  }
  const path = segments.join('/');
  if (path === '' || path.length > maxPathLength)
    return refuse(400, 'bad_path', `A stream path has 1 to ${maxPathLength} characters.`);
  if (path.split('/').some((s) => s === '.' || s === '..') || hasControlCharacter(path)) {
    return refuse(400, 'bad_path', 'A stream path may not hold dot segments or control characters.');
  }
  if (segments[0] === '__ds') return refuse(404, 'reserved', 'The __ds paths (subscriptions) are not served here.');
  return path;
}

/**
 * `/sync`: a Durable Streams server, one namespace of streams per space.
 *
 *   POST   /sync/spaces                      { id, token } → 201: registers a space
 *   GET    /sync/spaces/:id                  usage and limits (checks a secret)
 *   DELETE /sync/spaces/:id                  removes the space and all its streams
 *   *      /sync/spaces/:id/streams/<path>   the protocol: PUT, POST, GET, HEAD, DELETE
 *
 * A device derives the space id and the access token from its space secret; the secret
 * itself, and the key that encrypts payloads, never leave the device. The server keeps
 * only SHA-256 of the token. Every request but the first carries it as a Bearer token,
 * and a stream path is always resolved inside the space the token opens (fork sources
 * too), so no path reaches another space's streams.
 */
export function syncRoute(options: SyncRouteOptions) {
  const limits: SyncLimits = { ...defaultSyncLimits, ...options.limits };
  const now = options.now ?? Date.now;
  const store = options.store;
  const waiters = new LiveWaiters();
  store.onAppend((streamId) => waiters.wake(streamId));
  const perSpace = new RateLimiter(limits.requestsPerMinute, 60_000, now);
  const creations = new RateLimiter(limits.spacesPerMinute, 60_000, now);
  const route = new Hono();

  route.use('*', async (c, next) => {
    c.header('access-control-allow-origin', '*');
    c.header('x-content-type-options', 'nosniff');
    if (c.req.method === 'OPTIONS') {
      c.header('access-control-allow-methods', 'GET, HEAD, POST, PUT, DELETE');
      c.header('access-control-allow-headers', allowHeaders);
      c.header('access-control-max-age', '600');
      return c.body(null, 204);
    }
    await next();
    c.header('access-control-expose-headers', exposeHeaders);
    // Another origin may read these responses (the server can serve devices anywhere).
    c.header('cross-origin-resource-policy', 'cross-origin');
  });

  route.post('/spaces', async (c) => {
    const client = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? 'direct';
    const wait = creations.take(client);
    if (wait > 0) {
      return refuse(429, 'rate_limited', 'Too many spaces created from here; try again in a minute.', {
        'retry-after': String(Math.ceil(wait / 1000)),
      });
    }
    const body = (await c.req.json().catch(() => undefined)) as { id?: unknown; token?: unknown } | undefined;
    const id = typeof body?.id === 'string' ? body.id : '';
    const token = typeof body?.token === 'string' ? body.token : '';
    if (!spaceIdPattern.test(id) || !tokenPattern.test(token)) {
      return refuse(400, 'bad_space', 'Send { id, token }: base64url text derived from a space secret.');
    }
    const created = await store.createSpace({
      id,
      tokenHash: hashToken(token),
      createdAt: now(),
      bytesUsed: 0,
      streamCount: 0,
    });
    if (!created) return refuse(409, 'space_exists', 'A space with this id exists; join it with its secret instead.');
    return c.json({ id }, 201);
  });

  /** Opens the space named in the path with the request's token, or refuses. */
  const openSpace = async (c: Context): Promise<string | Response> => {
    const id = c.req.param('space') ?? '';
    const token = bearerToken(c.req.header('authorization'));
    if (!token) {
      return refuse(401, 'no_token', 'This request needs the space access token (Authorization: Bearer …).', {
        'www-authenticate': 'Bearer',
      });
    }
    const space = spaceIdPattern.test(id) ? await store.getSpace(id) : undefined;
    if (!space) return refuse(404, 'no_space', 'No such space: it was deleted, or the link is wrong.');
    if (!tokenOpens(token, space.tokenHash))
      return refuse(403, 'wrong_secret', 'This secret does not open this space.');
    const wait = perSpace.take(id);
    if (wait > 0) {
      return refuse(
        429,
        'rate_limited',
        `This space made more than ${limits.requestsPerMinute} requests in a minute; slow down.`,
        {
          'retry-after': String(Math.ceil(wait / 1000)),
        },
      );
    }
    return id;
  };

  route.get('/spaces/:space', async (c) => {
    const id = await openSpace(c);
    if (id instanceof Response) return id;
    const space = await store.getSpace(id);
    if (!space) return refuse(404, 'no_space', 'No such space.');
    return c.json({
      id,
      bytesUsed: space.bytesUsed,
      streamCount: space.streamCount,
      limits: {
        maxSpaceBytes: limits.maxSpaceBytes,
        maxSpaceStreams: limits.maxSpaceStreams,
        maxAppendBytes: limits.maxAppendBytes,
      },
    });
  });

  route.delete('/spaces/:space', async (c) => {
    const id = await openSpace(c);
    if (id instanceof Response) return id;
    await store.deleteSpace(id);
    return c.body(null, 204);
  });

  route.all('/spaces/:space/streams/*', async (c) => {
    const id = await openSpace(c);
    if (id instanceof Response) return id;
    const prefix = `${c.req.path.slice(0, c.req.path.indexOf('/spaces/'))}/spaces/${id}/streams/`;
    const path = streamPath(c.req.url, prefix);
    if (path instanceof Response) return path;
    const ctx: StreamRequest = { store, waiters, limits, spaceId: id, path, root: prefix, request: c.req.raw, now };
    switch (c.req.method) {
      case 'PUT':
        return createStream(ctx);
      case 'POST':
        return appendStream(ctx);
      case 'GET':
        return readStream(ctx);
      case 'HEAD':
        return headStream(ctx);
      case 'DELETE':
        return deleteStream(ctx);
      default:
        return refuse(405, 'method', `${c.req.method} is not a stream operation.`, {
          allow: 'GET, HEAD, POST, PUT, DELETE',
        });
    }
  });

  route.all('*', () => refuse(404, 'not_found', 'No sync endpoint here.'));
  return route;
}
