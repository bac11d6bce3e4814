/**
 * The two ways a run command says no: `RunError` (not now, and why) and `KeysLockedError`
 * (the keys must be unlocked first). `run-commands.ts` turns both into Results for the UI.
 */

/** A command that cannot be done now, with the reason for the person. */
export class RunError extends Error {
  override name = 'RunError';
}

/** The run needs the model keys, which are locked: the person enters the passphrase, then tries again. */
export class KeysLockedError extends RunError {
  override name = 'KeysLockedError';
  /** `then`: what happens once they open ("the run starts"). */
  constructor(then: string) {
    super(`Your model keys are locked: enter your passphrase to unlock them, and ${then}.`);
  }
}
