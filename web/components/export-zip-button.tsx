import { For, Show, createSignal } from 'solid-js';
import type { ZipExport } from '../../worker/api.ts';
import { callEngine } from '../worker-client.ts';
import { Problem } from './problem.tsx';

/** Hands the browser a file to save, from bytes the engine made. */
function saveFile(file: ZipExport) {
  const url = URL.createObjectURL(new Blob([new Uint8Array(file.bytes)], { type: 'application/zip' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; give it a moment before letting it go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "Export ZIP": the latest version of every file plus ORCHESTRA.md; says which paths were left out. */
export function ExportZipButton(props: { projectId: string }) {
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  const [skipped, setSkipped] = createSignal<ZipExport['skipped']>([]);
  const [saved, setSaved] = createSignal<string>();

  async function exportZip() {
    setBusy(true);
    setProblem(undefined);
    setSaved(undefined);
    try {
      const result = await callEngine('exportZip', props.projectId);
      if (!result.ok) {
        setProblem(result.message);
        return;
      }
      saveFile(result.value);
      setSkipped(result.value.skipped);
      setSaved(result.value.filename);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="export-zip" data-testid="export-zip">
      <button type="button" disabled={busy()} onClick={() => void exportZip()}>
        Export ZIP
      </button>
      <Show when={saved()}>
        <span class="hint" role="status">
          {' '}
          Saved {saved()}.
        </span>
      </Show>
      <Show when={skipped().length > 0}>
        <div class="skipped" role="status">
          <p>These files were left out because their paths are unsafe:</p>
          <ul>
            <For each={skipped()}>
              {(entry) => (
                <li>
                  <code>{entry.path}</code> — {entry.reason}
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
      <Problem message={problem()} />
    </div>
  );
}
