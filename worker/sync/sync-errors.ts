/** What went wrong talking to the sync server, with a sentence for the person. */
export type SyncFailureKind = 'unreachable' | 'wrong_secret' | 'no_space' | 'quota' | 'rate_limited' | 'refused';

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    readonly kind: SyncFailureKind,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The error for a refusal from the server (its JSON `message` when it sent one). */
export async function syncErrorOf(response: Response, serverUrl: string): Promise<SyncError> {
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  const said = typeof body?.message === 'string' ? ` (${body.message})` : '';
  switch (response.status) {
    case 401:
    case 403:
      return new SyncError('wrong_secret', 'This secret does not open the space on this sync server.', false);
    case 404:
      return new SyncError(
        'no_space',
        `The sync server at ${serverUrl} has no such space: it was deleted, or the secret is wrong.`,
        false,
      );
    case 413:
    case 507:
      return new SyncError('quota', `The sync server refused to store more for this space${said}.`, false);
    case 429:
      return new SyncError('rate_limited', `The sync server asks to slow down${said}; syncing resumes shortly.`, true);
    default:
      return new SyncError(
        'refused',
        `The sync server at ${serverUrl} answered ${response.status}${said}.`,
        response.status >= 500,
      );
  }
}

export const unreachable = (serverUrl: string) =>
  new SyncError(
    'unreachable',
    `The sync server at ${serverUrl} is unreachable; changes wait on this device until it is back.`,
    true,
  );
