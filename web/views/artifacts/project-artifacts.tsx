import { A, useSearchParams } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createResource, createSignal, on, onCleanup, untrack } from 'solid-js';
import { Preview, hasPreviewPage } from '../../checks/preview.tsx';
import { ExportZipButton } from '../../components/export-zip-button.tsx';
import { Problem } from '../../components/problem.tsx';
import { ChecksPanel } from '../../checks/checks-panel.tsx';
import { createCheckEvents } from '../../checks/create-check-events.ts';
import { callEngine, watchProject } from '../../worker-client.ts';
import { makeThrottle } from '../../lib/throttle.ts';
import { CodeView } from './code-view.tsx';
import { FileTree } from './file-tree.tsx';
import { allFolders, buildFileTree, foldersOf } from './file-tree-model.ts';
import { DeleteFile } from './delete-file.tsx';
import { FileChanges } from './file-changes.tsx';
import { VersionDetails } from './version-details.tsx';

/** One project's files: the tree, the chosen file's text and versions, and the ZIP. */
export function ProjectArtifacts(props: { projectId: string }) {
  const [params, setParams] = useSearchParams();
  const [view, { mutate }] = createResource(
    () => props.projectId,
    async (projectId) => {
      const result = await callEngine('getProjectView', projectId);
      if (!result.ok) throw new Error(result.message);
      return result.value;
    },
  );
  // Files keep coming while a run goes on: re-read the view (at most four times a second) as events arrive.
  const throttled = makeThrottle(() => void reread(), 250);
  async function reread() {
    const result = await callEngine(
      'getProjectView',
      untrack(() => props.projectId),
    ).catch(() => undefined);
    if (result?.ok) mutate(result.value);
  }
  onCleanup(() => throttled.cancel());
  // A memo: `on` alone would stop and start watching on every refresh of the same project.
  const watchedId = createMemo(() => view()?.project.id);
  createEffect(
    on(watchedId, (id) => {
      const loaded = untrack(view);
      if (!id || !loaded) return;
      onCleanup(watchProject(id, loaded.lastSeq, (update) => update.kind === 'events' && throttled.run()));
    }),
  );

  const checks = createCheckEvents(() => props.projectId);
  const line = () => {
    const wanted = Number(params['line']);
    return Number.isInteger(wanted) && wanted > 0 ? wanted : undefined;
  };

  const selected = () => {
    const path = params['path'];
    return typeof path === 'string' && path !== '' ? path : undefined;
  };
  // What the last delete or restore did, said until another file is chosen.
  const [notice, setNotice] = createSignal<string | undefined>();
  const [problem, setProblem] = createSignal<string | undefined>();
  const select = (path: string) => {
    setNotice(undefined);
    setProblem(undefined);
    setParams({ path, version: undefined, line: undefined });
  };
  // The tree opens to the files: every folder is open unless the person closed it.
  const [closed, setClosed] = createSignal<ReadonlySet<string>>(new Set());
  const toggle = (folder: string, isOpen: boolean) =>
    setClosed((current) => {
      if (isOpen === !current.has(folder)) return current;
      const next = new Set(current);
      if (isOpen) next.delete(folder);
      else next.add(folder);
      return next;
    });

  const tree = createMemo(() => buildFileTree(view()?.artifacts.map((artifact) => artifact.path) ?? []));
  const open = createMemo(
    () =>
      new Set(
        allFolders(view()?.artifacts.map((artifact) => artifact.path) ?? []).filter((folder) => !closed().has(folder)),
      ),
  );
  // A deleted file is still chosen by its path: its history, its deletion's diff and the revert that brings it back.
  const deleted = () => view()?.deletedArtifacts ?? [];
  const artifact = () =>
    view()?.artifacts.find((entry) => entry.path === selected()) ??
    deleted().find((entry) => entry.path === selected());
  const versions = createMemo(() =>
    (view()?.artifactVersions ?? []).filter((entry) => entry.path === selected()).sort((a, b) => b.version - a.version),
  );
  const chosenVersion = () => {
    const wanted = Number(params['version']);
    return versions().find((entry) => entry.version === wanted) ?? versions()[0];
  };

  // Open the folders of the chosen file; with no file chosen, choose the first.
  createEffect(
    on(selected, (path) => {
      if (path) for (const folder of foldersOf(path)) toggle(folder, true);
    }),
  );
  createEffect(() => {
    const first = view()?.artifacts[0];
    if (!selected() && first) setParams({ path: first.path }, { replace: true });
  });

  const canWrite = () => checks.role() === 'writer';
  /** The chosen file's path when it may be deleted by hand: a file of the project, in the tree. */
  const deletable = () => {
    const file = artifact();
    return canWrite() && file && !file.deleted && file.kind === 'source' ? file.path : undefined;
  };
  /** For a deleted file shown at its deletion: the last version that had content, to bring back. */
  const restorable = () => {
    const file = artifact();
    const chosen = chosenVersion();
    if (!canWrite() || !file?.deleted || chosen?.version !== file.latest) return undefined;
    return versions().find((entry) => !entry.deleted)?.version;
  };

  async function restore(path: string, version: number) {
    setNotice(undefined);
    setProblem(undefined);
    const result = await callEngine('revertFile', props.projectId, path, version);
    if (!result.ok) return setProblem(result.message);
    setParams({ version: undefined });
    setNotice(`${path} is back to version ${version}, as a new version.`);
  }

  const [content] = createResource(
    () => {
      const path = selected();
      const chosen = chosenVersion();
      // A version that deleted the file has no text to read.
      return path && chosen && !chosen.deleted
        ? { projectId: props.projectId, path, version: chosen.version }
        : undefined;
    },
    async (key) => {
      const result = await callEngine('artifactContent', key.projectId, key.path, key.version);
      return result.ok ? { text: result.value, problem: undefined } : { text: '', problem: result.message };
    },
  );

  return (
    <Show when={view()}>
      {(current) => (
        <div class="artifacts-layout">
          <header class="artifacts-header">
            <h2>{current().project.name}</h2>
            <p class="hint">
              {current().artifacts.length} files · <A href={`/run?project=${props.projectId}`}>Live run</A>
            </p>
            <ExportZipButton projectId={props.projectId} />
          </header>
          <Show
            when={current().artifacts.length + deleted().length > 0}
            fallback={<p class="empty-state">No files yet.</p>}
          >
            <div class="artifacts-body">
              <div class="file-lists">
                <FileTree entries={tree()} selected={selected()} open={open()} onToggle={toggle} onSelect={select} />
                <Show when={deleted().length > 0}>
                  <details class="file-tree deleted-files" data-testid="deleted-files">
                    <summary>Deleted files ({deleted().length})</summary>
                    <ul>
                      <For each={deleted()}>
                        {(file) => (
                          <li>
                            <button
                              type="button"
                              class="file"
                              aria-current={file.path === selected() ? 'true' : undefined}
                              onClick={() => select(file.path)}
                            >
                              {file.path}
                            </button>
                          </li>
                        )}
                      </For>
                    </ul>
                  </details>
                </Show>
              </div>
              <section class="file-pane" aria-labelledby="file-title">
                <Show when={artifact()} fallback={<p class="hint">Choose a file.</p>}>
                  {(file) => (
                    <>
                      <div class="file-head">
                        <h3 id="file-title">
                          {file().path}
                          <Show when={file().deleted}>
                            {' '}
                            <span class="badge" data-testid="deleted-badge">
                              deleted
                            </span>
                          </Show>
                        </h3>
                        <label>
                          Version
                          <select
                            value={chosenVersion()?.version ?? ''}
                            onChange={(event) => setParams({ version: event.currentTarget.value })}
                          >
                            {/* Keyed by number: a re-read brings new rows for the same versions (file-changes.tsx). */}
                            <For each={versions().map((entry) => entry.version)}>
                              {(version) => {
                                const entry = () => versions().find((one) => one.version === version);
                                return (
                                  <option value={version} selected={version === chosenVersion()?.version}>
                                    v{version} · {new Date(entry()?.at ?? 0).toLocaleString()}
                                    {entry()?.deleted ? ' · deleted' : ''}
                                    {version === file().latest ? ' (latest)' : ''}
                                  </option>
                                );
                              }}
                            </For>
                          </select>
                        </label>
                        <Show when={deletable()} keyed>
                          {(path) => (
                            <DeleteFile
                              projectId={props.projectId}
                              path={path}
                              onDeleted={() => {
                                setNotice(undefined);
                                setProblem(undefined);
                                setParams({ version: undefined });
                              }}
                            />
                          )}
                        </Show>
                      </div>
                      <Show when={notice()}>
                        <p role="status" class="notice" data-testid="file-notice">
                          {notice()}
                        </p>
                      </Show>
                      <Problem message={problem()} />
                      <Show when={chosenVersion()}>{(version) => <VersionDetails version={version()} />}</Show>
                      <Show when={versions().length > 1 ? chosenVersion() : undefined}>
                        {(version) => (
                          <FileChanges
                            projectId={props.projectId}
                            path={file().path}
                            language={file().language}
                            versions={versions()}
                            chosen={version()}
                            canWrite={canWrite()}
                          />
                        )}
                      </Show>
                      <Show when={chosenVersion()?.deleted}>
                        {(gone) => (
                          <div class="notice" role="status" data-testid="deleted-notice">
                            <p>
                              Deleted in v{chosenVersion()?.version}: {gone().reason}. Choose an earlier version to see
                              it, or to bring it back.
                            </p>
                            <Show when={restorable()}>
                              {(version) => (
                                <button type="button" onClick={() => void restore(file().path, version())}>
                                  Revert {file().path} to v{version()}
                                </button>
                              )}
                            </Show>
                          </div>
                        )}
                      </Show>
                      <Show
                        when={chosenVersion()?.deleted ? undefined : content()}
                        fallback={
                          <Show when={!chosenVersion()?.deleted}>
                            <p class="loading">Loading the file…</p>
                          </Show>
                        }
                      >
                        {(loaded) => (
                          <>
                            <Problem message={loaded().problem} />
                            <Show when={!loaded().problem}>
                              <CodeView
                                text={loaded().text}
                                language={file().language}
                                label={file().path}
                                line={line()}
                              />
                            </Show>
                          </>
                        )}
                      </Show>
                    </>
                  )}
                </Show>
              </section>
            </div>
            <Show when={hasPreviewPage(current().artifacts)}>
              <Preview projectId={props.projectId} artifacts={current().artifacts} />
            </Show>
          </Show>
          <ChecksPanel projectId={props.projectId} events={checks.events()} canWrite={checks.role() === 'writer'} />
        </div>
      )}
    </Show>
  );
}
