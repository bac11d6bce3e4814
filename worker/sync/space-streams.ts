import { type BackoffOptions, DurableStream } from '@durable-streams/client';
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
 * `onFailedAttempt` is told of each failed read before it is retried: the client takes
 * its retry options from the handle only (those given to `stream()` are not used).
 */
export function spaceStream(
  connection: SpaceConnection,
  url: string,
  fetcher: typeof globalThis.fetch = connection.fetch,
  onFailedAttempt?: () => void,
): DurableStream {
  const backoffOptions: BackoffOptions = { initialDelay: 200, maxDelay: 3000, multiplier: 1.5 };
  if (onFailedAttempt) backoffOptions.onFailedAttempt = onFailedAttempt;
  return new DurableStream({
    url,
    contentType: 'application/json',
    headers: bearer(connection),
    fetch: fetcher,
    backoffOptions,
  });
}

/**
 * Creates the JSON stream at `url` if it is not there (creation is idempotent).
 * @throws SyncError saying why not (unreachable, wrong secret, quota…)
 */
export async function ensureStream(connection: SpaceConnection, url: string, signal?: AbortSignal): Promise<void> {
  let response: Response;
  try {
    response = await connection.fetch(url, {
      method: 'PUT',
      headers: { ...bearer(connection), 'content-type': 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch {
    throw unreachable(connection.serverUrl);
  }
  if (response.status !== 201 && response.status !== 200) throw await syncErrorOf(response, connection.serverUrl);
}
