import { deriveSpaceCredentials, makeSpaceSecret, type SpaceCredentials } from './space-secret.ts';
import { SyncError, syncErrorOf, unreachable } from './sync-errors.ts';

/** A device's open connection to a space on a sync server. */
export interface SpaceConnection extends SpaceCredentials {
  serverUrl: string;
  fetch: typeof globalThis.fetch;
}

export interface SpaceUsage {
  bytesUsed: number;
  streamCount: number;
}

const trimUrl = (url: string) => url.replace(/\/+$/, '');

async function call(connection: SpaceConnection, path: string, init: RequestInit): Promise<Response> {
  try {
    return await connection.fetch(`${connection.serverUrl}${path}`, init);
  } catch {
    throw unreachable(connection.serverUrl);
  }
}

/** Checks the secret against the server: the space's usage, or a SyncError saying why not. */
export async function spaceUsage(connection: SpaceConnection): Promise<SpaceUsage> {
  const response = await call(connection, `/sync/spaces/${connection.spaceId}`, {
    headers: { authorization: `Bearer ${connection.token}` },
  });
  if (!response.ok) throw await syncErrorOf(response, connection.serverUrl);
  return (await response.json()) as SpaceUsage;
}

/**
 * Makes a new space: a fresh secret on this device, registered by its derived id and
 * token. Returns the secret, to show once and carry to the other devices.
 */
export async function createSpace(
  serverUrl: string,
  fetcher: typeof globalThis.fetch = globalThis.fetch.bind(globalThis),
): Promise<{ secret: string; connection: SpaceConnection }> {
  const secret = makeSpaceSecret();
  const connection: SpaceConnection = {
    ...(await deriveSpaceCredentials(secret)),
    serverUrl: trimUrl(serverUrl),
    fetch: fetcher,
  };
  const response = await call(connection, '/sync/spaces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: connection.spaceId, token: connection.token }),
  });
  if (response.status !== 201) throw await syncErrorOf(response, connection.serverUrl);
  return { secret, connection };
}

/** Joins an existing space with its secret; refuses a secret the server does not know. */
export async function joinSpace(
  serverUrl: string,
  secret: string,
  fetcher: typeof globalThis.fetch = globalThis.fetch.bind(globalThis),
): Promise<SpaceConnection> {
  const connection: SpaceConnection = {
    ...(await deriveSpaceCredentials(secret)),
    serverUrl: trimUrl(serverUrl),
    fetch: fetcher,
  };
  await spaceUsage(connection);
  return connection;
}

export { SyncError };
