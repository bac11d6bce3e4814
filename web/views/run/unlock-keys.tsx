import { onMount } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { createCommand } from './create-command.ts';

/**
 * The passphrase asked for in place, when a run command needs the model keys and they
 * are locked. It opens them through the same engine command as Settings (the passphrase
 * goes to the worker, which alone holds the keys), then does what was asked
 * (`onUnlocked`). A wrong passphrase is refused with a sentence; nothing was started, and
 * the field keeps what was typed, selected, to correct or retype.
 */
export function UnlockKeys(props: {
  /** The engine's sentence: the keys are locked, and what happens once they open. */
  message: string;
  /** The submit button's name: "Unlock and start". */
  action: string;
  onUnlocked: () => Promise<void>;
  onCancel: () => void;
}) {
  const command = createCommand();
  let field: HTMLInputElement | undefined;
  onMount(() => field?.focus());

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const input = field;
    if (!input) return;
    const result = await command.run(() => callEngine('unlockKeys', input.value));
    if (!result.ok) {
      if (result.kind === 'bad_input') command.setProblem(`${result.message} Nothing was started: type it again.`);
      input.focus();
      input.select();
      return;
    }
    input.value = '';
    await props.onUnlocked();
  }

  return (
    <form
      class="unlock-keys"
      data-testid="unlock-keys"
      aria-labelledby="unlock-keys-message"
      onSubmit={(event) => void submit(event)}
    >
      <p id="unlock-keys-message">{props.message}</p>
      <label>
        Passphrase
        <input name="passphrase" type="password" autocomplete="current-password" required ref={field} />
      </label>
      <div class="actions">
        <button type="submit" class="primary" disabled={command.busy()}>
          {props.action}
        </button>
        <button type="button" disabled={command.busy()} onClick={() => props.onCancel()}>
          Not now
        </button>
      </div>
      <Problem message={command.problem()} />
    </form>
  );
}
