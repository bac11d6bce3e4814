import { A } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import type { FilesToImport, ImportDone, IncomingFile } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';

type Chosen = { label: string; source: FilesToImport['source'] };

/**
 * Start a project from a ZIP or a folder on disk: a file picker, a folder picker, or
 * drag and drop. The engine checks every path and the limits; this only reads the bytes.
 */
export function BringProjectIn() {
  const [name, setName] = createSignal('');
  const [chosen, setChosen] = createSignal<Chosen | undefined>();
  const [over, setOver] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string | undefined>();
  const [done, setDone] = createSignal<ImportDone | undefined>();

  const choose = (next: Chosen, suggested: string) => {
    setChosen(next);
    setDone(undefined);
    setProblem(undefined);
    if (name().trim() === '') setName(suggested);
  };

  async function fromZip(file: File) {
    choose(
      { label: file.name, source: { kind: 'zip', bytes: new Uint8Array(await file.arrayBuffer()) } },
      baseName(file.name),
    );
  }

  async function fromFolderInput(list: FileList) {
    const files = await Promise.all(
      [...list].map(async (file) => ({
        path: file.webkitRelativePath || file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
      })),
    );
    const folder = files[0]?.path.split('/')[0] ?? 'project';
    choose({ label: `${folder}/ (${files.length} files)`, source: { kind: 'files', files } }, folder);
  }

  async function onDrop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    const items = [...(event.dataTransfer?.items ?? [])];
    const entries = items
      .map((item) => item.webkitGetAsEntry?.())
      .filter((entry) => entry !== null && entry !== undefined);
    const folder = entries.find((entry) => entry.isDirectory);
    if (folder) {
      const files = await readEntry(folder, '');
      choose({ label: `${folder.name}/ (${files.length} files)`, source: { kind: 'files', files } }, folder.name);
      return;
    }
    const file = event.dataTransfer?.files[0];
    if (file) await fromZip(file);
  }

  async function bringIn() {
    const source = chosen();
    if (!source) return setProblem('Choose a ZIP file or a folder first.');
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await callEngine('importFiles', {
        name: name(),
        description: `Brought in from ${source.label}.`,
        source: source.source,
      });
      if (result.ok) setDone(result.value);
      else setProblem(result.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel bring-in" aria-labelledby="bring-in-title">
      <h2 id="bring-in-title">Bring a project in</h2>
      <p class="hint">
        From a ZIP or a folder on this device. Files your .gitignore ignores stay out; binary files are kept but never
        sent to a model.
      </p>
      <div
        class="drop-zone"
        data-over={over()}
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => void onDrop(event)}
      >
        <p>Drop a ZIP or a folder here, or choose one:</p>
        <label>
          ZIP file{' '}
          <input
            type="file"
            accept=".zip,application/zip"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) void fromZip(file);
            }}
          />
        </label>{' '}
        <label>
          Folder{' '}
          <input
            type="file"
            ref={(input) => {
              // The folder picker, where the browser has one.
              input.webkitdirectory = true;
            }}
            onChange={(event) => {
              const list = event.currentTarget.files;
              if (list && list.length > 0) void fromFolderInput(list);
            }}
          />
        </label>
      </div>
      <Show when={chosen()}>{(current) => <p>Chosen: {current().label}</p>}</Show>
      <label>
        Project name <input value={name()} onInput={(event) => setName(event.currentTarget.value)} />
      </label>{' '}
      <button type="button" class="primary" disabled={busy() || !chosen()} onClick={() => void bringIn()}>
        Bring the project in
      </button>
      <Problem message={problem()} />
      <Show when={done()}>
        {(result) => (
          <div role="status" data-testid="bring-in-result">
            <p>
              Brought in {result().files} file{result().files === 1 ? '' : 's'}
              {result().binary > 0 ? ` (${result().binary} binary)` : ''}.{' '}
              <A href={`/artifacts?project=${result().projectId}`}>Open its files</A> ·{' '}
              <A href={`/run?project=${result().projectId}`}>Open the project</A>
            </p>
            <Show when={result().skipped.length > 0}>
              <details>
                <summary>{result().skipped.length} left out</summary>
                <ul>
                  <For each={result().skipped}>{(entry) => <li>{entry.reason}</li>}</For>
                </ul>
              </details>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}

function baseName(fileName: string): string {
  return fileName.replace(/\.zip$/i, '');
}

/** Every file under a dropped folder, with its path inside it. */
async function readEntry(entry: FileSystemEntry, prefix: string): Promise<IncomingFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ path: `${prefix}${entry.name}`, bytes: new Uint8Array(await file.arrayBuffer()) }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries gives a batch at a time until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((child) => readEntry(child, `${prefix}${entry.name}/`)));
  return nested.flat();
}
