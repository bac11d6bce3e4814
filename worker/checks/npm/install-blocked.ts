/**
 * Why an install stopped: the dependency that blocked it (`name`, as declared or needed)
 * and one sentence a person understands. A run blocked this way is `not-runnable` with
 * that sentence as its reason; it is never reported as passed.
 */
export class InstallBlockedError extends Error {
  readonly packageName: string;
  readonly kind: InstallBlockedKind;

  constructor(packageName: string, kind: InstallBlockedKind, message: string) {
    super(message);
    this.name = 'InstallBlockedError';
    this.packageName = packageName;
    this.kind = kind;
  }
}

export type InstallBlockedKind =
  /** Not cached, and the person did not allow downloads for this run. */
  | 'needs-consent'
  /** Downloads were allowed, but the registry could not be reached; not cached either. */
  | 'offline'
  | 'not-found'
  | 'no-matching-version'
  | 'unsupported-spec'
  /** The archive failed its integrity check, or was hostile or too large. */
  | 'refused'
  | 'too-many';
