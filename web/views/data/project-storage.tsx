import { For, Show, createResource, createSignal } from 'solid-js';
import type { ProjectUsage } from '../../../worker/api.ts';
import { callEngine } from '../../worker-client.ts';
import { formatBytes } from './format-bytes.ts';

/** Hands a text to the browser as a file download. */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Each project's share of storage, with export, compaction, deletion and import. */
export function ProjectStorage() {
  const [usage, { refetch }] = createResource(async () => {
    const result = await callEngine('storageUsage');
    if (!result.ok) throw new Error(result.message);
    return result.value;
  });
  // In a synced space a project may also be deleted on the space's other devices.
  const [syncing, { refetch: refetchSyncing }] = createResource(async () => {
    const status = await callEngine('syncStatus').catch(() => undefined);
    return status !== undefined && status.state !== 'off';
  });
  const [notice, setNotice] = createSignal<{ text: string; problem: boolean }>();
  const [confirming, setConfirming] = createSignal<string>();
  const [pendingCopy, setPendingCopy] = createSignal<string>();
  const [learnRouting, setLearnRouting] = createSignal(false);

  const say = (text: string, problem = false) => setNotice({ text, problem });

  async function exportProject(project: ProjectUsage) {
    const result = await callEngine('exportProject', project.projectId);
    if (result.ok) download(result.value.fileName, result.value.text);
    else say(result.message, true);
  }

  async function compact(project: ProjectUsage) {
    const result = await callEngine('compactProject', project.projectId);
    if (!result.ok) return say(result.message, true);
    say(
      `Compacted “${project.name}”: ${result.value.textsRemoved} old partial outputs removed, ${formatBytes(result.value.bytesFreed)} freed.`,
    );
    await refetch();
  }

  async function remove(project: ProjectUsage, everywhere = false) {
    if (confirming() !== project.projectId) {
      // Asked now: the engine may still have been joining its space when the page loaded.
      void refetchSyncing();
      return setConfirming(project.projectId);
    }
    setConfirming(undefined);
    const result = await callEngine('deleteProject', project.projectId, { everywhere });
    if (!result.ok) return say(result.message, true);
    say(
      everywhere
        ? `Deleted “${project.name}” here and on the other devices of the space.`
        : `Deleted “${project.name}” and everything it stored.`,
    );
    await refetch();
  }

  async function importText(text: string, asCopy: boolean) {
    const result = await callEngine('importProject', text, { asCopy, learnRouting: learnRouting() });
    if (!result.ok) {
      say(result.message, true);
      setPendingCopy(result.message.includes('Import it as a copy') ? text : undefined);
      return;
    }
    setPendingCopy(undefined);
    say(`Imported a project with ${result.value.events} events.`);
    await refetch();
  }

  async function chooseFile(input: HTMLInputElement) {
    const file = input.files?.[0];
    input.value = '';
    if (file) await importText(await file.text(), false);
  }

  return (
    <section class="stack" aria-labelledby="projects-storage-title">
      <h2 id="projects-storage-title">Projects on this device</h2>
      <Show when={notice()}>
        {(current) => (
          <p
            class={current().problem ? 'problem' : 'hint'}
            role={current().problem ? 'alert' : 'status'}
            data-testid="storage-notice"
          >
            {current().text}
          </p>
        )}
      </Show>
      <Show when={pendingCopy()}>
        {(text) => (
          <div>
            <button type="button" onClick={() => void importText(text(), true)}>
              Import as a copy
            </button>
          </div>
        )}
      </Show>
      <Show when={(usage()?.length ?? 0) > 0} fallback={<p class="hint">No projects stored yet.</p>}>
        <table class="usage" data-testid="project-usage">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Events</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={usage()}>
              {(project) => (
                <tr>
                  <td>{project.name}</td>
                  <td>{project.events.toLocaleString()}</td>
                  <td>{formatBytes(project.eventBytes + project.blobBytes + project.snapshotBytes)}</td>
                  <td class="actions">
                    <button type="button" onClick={() => void exportProject(project)}>
                      Export
                    </button>
                    <button type="button" onClick={() => void compact(project)}>
                      Compact
                    </button>
                    <button
                      type="button"
                      class={confirming() === project.projectId ? 'danger' : ''}
                      onClick={() => void remove(project)}
                    >
                      {confirming() === project.projectId ? 'Really delete?' : 'Delete'}
                    </button>
                    <Show when={confirming() === project.projectId && syncing()}>
                      <button
                        type="button"
                        class="danger"
                        title="Deletes it on every device of the sync space; a device with work on it not yet synced keeps its copy."
                        onClick={() => void remove(project, true)}
                      >
                        Delete on every device
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <label>
        <input
          type="checkbox"
          data-testid="import-learn-routing"
          checked={learnRouting()}
          onChange={(event) => setLearnRouting(event.currentTarget.checked)}
        />{' '}
        Let this device’s model router learn from the imported project’s results (how good and how fast each model was;
        never prices or models)
      </label>
      <label>
        Import a project (.orchestra.json)
        <input type="file" accept=".json,application/json" onChange={(event) => void chooseFile(event.currentTarget)} />
      </label>
    </section>
  );
}
