import { Show, createSignal } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';

/*
 * Deleting a file by hand: the same `artifact-delete` an agent's deletion writes (the
 * worker's `deleteFile`), asked for twice — **Delete file**, then a confirm that says what
 * deleting does and takes an optional reason. Escape or **Cancel** steps back, and focus
 * goes back to the button that opened it.
 *
 *   idle ──Delete file──▶ confirming ──Delete <path>──▶ (deleted: the file view shows it)
 *     ▲                     │    └──refused──▶ confirming, with the engine's sentence
 *     └──Cancel / Escape────┘
 */
export function DeleteFile(props: { projectId: string; path: string; onDeleted: (path: string) => void }) {
  const [confirming, setConfirming] = createSignal(false);
  const [reason, setReason] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string | undefined>();
  let opener: HTMLButtonElement | undefined;

  function open() {
    setProblem(undefined);
    setReason('');
    setConfirming(true);
  }

  function cancel() {
    setConfirming(false);
    setProblem(undefined);
    // The button is drawn again when the confirm closes: focus it once it is there.
    queueMicrotask(() => opener?.focus());
  }

  async function confirm() {
    setBusy(true);
    setProblem(undefined);
    const path = props.path;
    const result = await callEngine('deleteFile', props.projectId, path, reason()).finally(() => setBusy(false));
    if (!result.ok) return setProblem(result.message);
    setConfirming(false);
    props.onDeleted(path);
  }

  return (
    <div class="delete-file">
      <Show
        when={confirming()}
        fallback={
          <button type="button" ref={opener} onClick={open}>
            Delete file
          </button>
        }
      >
        <div
          role="group"
          aria-labelledby="delete-file-question"
          class="confirm"
          data-testid="delete-file-confirm"
          onKeyDown={(event) => {
            if (event.key === 'Escape') cancel();
          }}
        >
          <p id="delete-file-question">
            Delete <strong>{props.path}</strong>? It leaves the project's files, the ZIP and what the agents see; its
            history keeps every version, and a revert brings it back.
          </p>
          <label>
            Why (optional)
            <input
              type="text"
              maxLength={1000}
              value={reason()}
              ref={(input) => queueMicrotask(() => input.focus())}
              onInput={(event) => setReason(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') void confirm();
              }}
            />
          </label>
          <div class="actions">
            <button type="button" class="danger" disabled={busy()} onClick={() => void confirm()}>
              Delete {props.path}
            </button>
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </div>
          <Problem message={problem()} />
        </div>
      </Show>
    </div>
  );
}
