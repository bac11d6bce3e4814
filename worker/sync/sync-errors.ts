import { DurableStreamError, FetchError, StaleEpochError } from '@durable-streams/client';
import { InvalidEventError } from '../events/validate.ts';
import { SyncTamperError } from './sync-envelope.ts';

/** What went wrong talking to the sync server, with a sentence for the person. */
export type SyncFailureKind =
  | 'unreachable'
  | 'wrong_secret'
  | 'fenced'
  | 'no_space'
  | 'gone'
  | 'quota'
  | 'rate_limited'
  | 'malformed'
  | 'tampered'
  | 'unreadable'
  | 'server_error'
  | 'refused';

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    readonly kind: SyncFailureKind,
    message: string,
    /** A passing failure (no answer, 429, 5xx): tried again after a backoff. Otherwise the sync waits for the person. */
    readonly retryable: boolean,
    /** The server's Retry-After: no new attempt before it. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A refusal as the server sends it: `{ error, message }` (see `server/sync/protocol/context.ts`). */
interface Refusal {
  status: number;
  /** The server's code (`quota_bytes`, `rate_limited`…), when it sent one. */
  code: string | undefined;
  /** The server's own sentence, when it sent one. */
  said: string | undefined;
  retryAfter: string | null | undefined;
}

const quotaNames = new Map([
  ['quota_bytes', 'its storage quota'],
  ['quota_streams', 'its quota of projects (one stream each)'],
  ['too_large', 'its size limit for one upload'],
]);

/** Another device took a project's writing over: nothing the person must do (see project-sync.ts). */
const fenced = (serverUrl: string) =>
  new SyncError(
    'fenced',
    `Another device now writes this project on the sync server at ${serverUrl}; this device watches it, and keeps what it wrote meanwhile as a copy.`,
    true,
  );

/**
 * The SyncError for a refusal, one sentence per cause; callers use `syncErrorOf` (a
 * Response) or `syncFailure` (anything a request threw).
 */
function syncErrorOfRefusal(refusal: Refusal, serverUrl: string): SyncError {
  const { status, code, said, retryAfter } = refusal;
  const because = said ? ` The server said: ${said}` : '';
  const seconds = Number(retryAfter);
  const waitMs = retryAfter && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
  // A 403 for a stale producer epoch is a take-over, not a wrong secret: telling the
  // person to leave the space and join again would be wrong advice.
  if (status === 403 && code === 'stale_epoch') return fenced(serverUrl);
  if (status === 401 || status === 403)
    return new SyncError(
      'wrong_secret',
      `The sync server at ${serverUrl} does not accept this device's secret for the space: it is wrong, or the space was made again. Leave the space and join it with the secret from another device.`,
      false,
    );
  if (status === 404 && (code === undefined || code === 'no_space'))
    return new SyncError(
      'no_space',
      `The sync server at ${serverUrl} has no such space: it was deleted, or the secret is wrong.`,
      false,
    );
  if (status === 404 || status === 410)
    return new SyncError(
      'gone',
      `The sync server at ${serverUrl} no longer holds one of this space's projects (it was deleted there). Press Try again to send this device's copy once more.${because}`,
      false,
    );
  if (status === 413 || status === 507) {
    const quota = quotaNames.get(code ?? (status === 413 ? 'too_large' : 'quota_bytes')) ?? 'a quota';
    return new SyncError(
      'quota',
      `The sync server at ${serverUrl} refused to store more for this space: it is past ${quota}.${because} Changes wait on this device.`,
      false,
    );
  }
  if (status === 429) {
    const when = waitMs === undefined ? 'shortly' : `in ${Math.ceil(seconds)} s`;
    return new SyncError(
      'rate_limited',
      `The sync server at ${serverUrl} limits how often this space may call it, and this device went past it; syncing resumes ${when}.${because}`,
      true,
      waitMs,
    );
  }
  if (status === 400)
    return new SyncError(
      'malformed',
      `The sync server at ${serverUrl} could not read a request from this device (a bug in this version of Orchestra, not in your data).${because}`,
      false,
    );
  if (status >= 500)
    return new SyncError(
      'server_error',
      `The sync server at ${serverUrl} failed (${status}); syncing tries again.${because}`,
      true,
      waitMs,
    );
  return new SyncError('refused', `The sync server at ${serverUrl} refused a request (${status}).${because}`, false);
}

const refusalBody = (body: unknown): { code: string | undefined; said: string | undefined } => {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    code: typeof record['error'] === 'string' ? record['error'] : undefined,
    said: typeof record['message'] === 'string' ? record['message'] : undefined,
  };
};

/** The error for a refusal from the server (its JSON code and sentence when it sent them). */
export async function syncErrorOf(response: Response, serverUrl: string): Promise<SyncError> {
  const body = (await response.json().catch(() => undefined)) as unknown;
  return syncErrorOfRefusal(
    { status: response.status, ...refusalBody(body), retryAfter: response.headers.get('retry-after') },
    serverUrl,
  );
}

export const unreachable = (serverUrl: string) =>
  new SyncError(
    'unreachable',
    `The sync server at ${serverUrl} is unreachable; changes wait on this device until it is back.`,
    true,
  );

/**
 * Whatever a sync request failed with — our own fetches, or the official client's
 * `FetchError` / `DurableStreamError` for a refusal — as the SyncError that says why.
 * A fetch that threw (no answer at all) is the server being unreachable.
 */
export function syncFailure(error: unknown, serverUrl: string): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof SyncTamperError) return new SyncError('tampered', error.message, false);
  // It opened with the space's key, so it is a device's own event, not one this version
  // knows: trying again reads the same, so the sync waits for the person.
  if (error instanceof InvalidEventError)
    return new SyncError(
      'unreadable',
      `A synced event is not one this version of Orchestra can read (${error.message}) It was written by a newer version on another device, or by a faulty one: update Orchestra here (reload the app), then press Try again.`,
      false,
    );
  if (error instanceof StaleEpochError) return fenced(serverUrl);
  if (error instanceof FetchError) {
    const body = error.json ?? (error.text ? safeJson(error.text) : undefined);
    return syncErrorOfRefusal(
      { status: error.status, ...refusalBody(body), retryAfter: error.headers['retry-after'] },
      serverUrl,
    );
  }
  if (error instanceof DurableStreamError && typeof error.status === 'number') {
    return syncErrorOfRefusal(
      {
        status: error.status,
        ...refusalBody(typeof error.details === 'string' ? safeJson(error.details) : error.details),
        retryAfter: undefined,
      },
      serverUrl,
    );
  }
  if (error instanceof TypeError) return unreachable(serverUrl);
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError('refused', `Syncing with the server at ${serverUrl} failed: ${message}`, true);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
