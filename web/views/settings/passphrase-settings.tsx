import { Show, createSignal } from 'solid-js';
import type { KeyStatus } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { describeResult, settle } from './command-result.ts';

/**
 * The passphrase that encrypts the stored keys: set it, unlock and lock the keys, or
 * remove it (after a warning: the keys are then sealed only with this device's key).
 *
 * ```
 *   no passphrase ──Encrypt keys──▶ unlocked ──Lock keys / reload──▶ locked
 *         ▲                          │    ▲                            │
 *         │                          │    └────────Unlock keys─────────┤
 *         └──────Remove passphrase───┴─────────────────────────────────┘
 * ```
 */
export function PassphraseSettings(props: { keys: KeyStatus | undefined; onChange: () => unknown }) {
  const [notice, setNotice] = createSignal<string>();
  const [removing, setRemoving] = createSignal(false);
  const [removeProblem, setRemoveProblem] = createSignal<string>();
  const encrypted = () => props.keys?.encrypted ?? false;
  const unlocked = () => props.keys?.unlocked ?? false;

  async function submitPassphrase(form: HTMLFormElement) {
    const input = form.elements.namedItem('passphrase') as HTMLInputElement;
    const setting = !encrypted();
    const result = await settle(
      setting ? callEngine('setPassphrase', input.value) : callEngine('unlockKeys', input.value),
    );
    input.value = '';
    setNotice(describeResult(result, () => (setting ? 'Your keys are now encrypted.' : 'Keys unlocked.')));
    await props.onChange();
  }

  async function removePassphrase(form: HTMLFormElement) {
    const input = form.elements.namedItem('current-passphrase') as HTMLInputElement;
    const result = await settle(callEngine('removePassphrase', input.value));
    input.value = '';
    if (result.ok) {
      setRemoving(false);
      setRemoveProblem(undefined);
      setNotice('Passphrase removed: your keys are sealed with this device’s key only.');
    } else {
      setRemoveProblem(result.message);
    }
    await props.onChange();
  }

  async function lockKeys() {
    setNotice(describeResult(await settle(callEngine('lockKeys')), () => 'Keys locked.'));
    await props.onChange();
  }

  function openRemoval() {
    setNotice(undefined);
    setRemoveProblem(undefined);
    setRemoving(true);
  }

  return (
    <>
      <form
        class="passphrase"
        data-testid="passphrase"
        onSubmit={(event) => {
          event.preventDefault();
          void submitPassphrase(event.currentTarget);
        }}
      >
        <p data-testid="key-status">
          {encrypted()
            ? unlocked()
              ? 'Keys are encrypted and unlocked for this session.'
              : 'Keys are encrypted and locked.'
            : 'Keys are stored without a passphrase.'}
        </p>
        <Show when={!encrypted() || !unlocked()}>
          <label>
            {encrypted() ? 'Passphrase' : 'New passphrase (8 characters or more)'}
            <input name="passphrase" type="password" autocomplete="off" required minLength={8} />
          </label>
          <button class="button">{encrypted() ? 'Unlock keys' : 'Encrypt keys'}</button>
        </Show>
        <Show when={encrypted()}>
          <div class="actions">
            <Show when={unlocked()}>
              <button type="button" class="button" onClick={() => void lockKeys()}>
                Lock keys
              </button>
            </Show>
            <Show when={!removing()}>
              <button type="button" class="button" onClick={openRemoval}>
                Remove passphrase
              </button>
            </Show>
          </div>
        </Show>
      </form>
      <Show when={encrypted() && removing()}>
        <form
          class="remove-passphrase"
          data-testid="remove-passphrase"
          onSubmit={(event) => {
            event.preventDefault();
            void removePassphrase(event.currentTarget);
          }}
        >
          <p class="warning">
            Without a passphrase your keys are sealed with a key this browser keeps for this device: they are never on
            disk in clear, but anyone who can open this browser profile, or copy all its files, can read them. They
            still never leave this device.
          </p>
          <label>
            Current passphrase
            <input name="current-passphrase" type="password" autocomplete="off" required />
          </label>
          <div class="actions">
            <button class="button">Remove passphrase and keep keys sealed with the device key</button>
            <button type="button" class="button" onClick={() => setRemoving(false)}>
              Cancel
            </button>
          </div>
          <Problem message={removeProblem()} />
        </form>
      </Show>
      <Show when={notice()}>
        <p role="status" data-testid="providers-notice">
          {notice()}
        </p>
      </Show>
    </>
  );
}
