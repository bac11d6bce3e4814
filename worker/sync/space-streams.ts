import { BackoffDefaults, DurableStream } from '@durable-streams/client';
import { syncErrorOf, unreachable } from './sync-errors.ts';
import type { SpaceConnection } from './sync-space.ts';

/** One stream per project in the space; the envelope holds only ids, sequence numbers and ciphertext. */
export const projectStreamUrl = (connection: SpaceConnection, projectId: string) =>
  `${connection.serverUrl}/sync/spaces/${connection.spaceId}/streams/projects/${projectId}`;

/** The space's index stream: which projects exist (sealed entries). */
export const indexStreamUrl = (connection: SpaceConnection) =>
  `${connection.serverUrl}/sync/spaces/${connection.spaceId}/streams/index`;

export const bearer = (connection: SpaceConnection) => ({ authorization: `Bearer ${connection.token}` });

/**
 * A JSON stream of the space, through the official client, with the space's token.
 * The client's own retries are off (`maxRetries: 0`): a failed request, a long-poll's
 * included, reaches the loop that made it, which backs off as `sync-retry.ts` says
 * (Retry-After, the `retrying` state, Try again, back online). The client takes its
 * retry options from the handle only (those given to `stream()` are not used).
 */
export function spaceStream(connection: SpaceConnection, url: string): DurableStream {
  return new DurableStream({
    url,
    contentType: 'application/json',
    headers: bearer(connection),
    fetch: connection.fetch,
    backoffOptions: { ...BackoffDefaults, maxRetries: 0 },
  });
}

/**
 * Creates the JSON stream at `url` if it is not there (creation is idempotent: the same
 * `headers`, a fork's included, confirm the stream that is there).
 * @throws SyncError saying why not (unreachable, wrong secret, quota…)
 */
export async function ensureStream(
  connection: SpaceConnection,
  url: string,
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  let response: Response;
  try {
    response = await connection.fetch(url, {
      method: 'PUT',
      headers: { ...headers, ...bearer(connection), 'content-type': 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch {
    throw unreachable(connection.serverUrl);
  }
  if (response.status !== 201 && response.status !== 200) throw await syncErrorOf(response, connection.serverUrl);
}
