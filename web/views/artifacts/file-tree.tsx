import { For, Show } from 'solid-js';
import type { TreeEntry } from './file-tree-model.ts';

/**
 * The project's files as a tree of collapsible folders (native <details>, so the
 * keyboard and screen readers know them); the chosen file is marked.
 */
export function FileTree(props: {
  entries: TreeEntry[];
  selected: string | undefined;
  open: ReadonlySet<string>;
  onToggle: (folder: string, open: boolean) => void;
  onSelect: (path: string) => void;
}) {
  return (
    <nav class="file-tree" data-testid="file-tree" aria-label="Files">
      <Entries {...props} />
    </nav>
  );
}

function Entries(props: {
  entries: TreeEntry[];
  selected: string | undefined;
  open: ReadonlySet<string>;
  onToggle: (folder: string, open: boolean) => void;
  onSelect: (path: string) => void;
}) {
  return (
    <ul>
      <For each={props.entries}>
        {(entry) => (
          <li>
            <Show
              when={entry.kind === 'folder' && entry}
              fallback={
                <button
                  type="button"
                  class="file"
                  data-path={entry.path}
                  aria-current={props.selected === entry.path ? 'true' : undefined}
                  onClick={() => props.onSelect(entry.path)}
                >
                  {entry.name}
                </button>
              }
            >
              {(folder) => (
                <details
                  open={props.open.has(folder().path)}
                  onToggle={(event) => props.onToggle(folder().path, event.currentTarget.open)}
                >
                  <summary data-folder={folder().path}>{folder().name}/</summary>
                  <Entries
                    entries={folder().children}
                    selected={props.selected}
                    open={props.open}
                    onToggle={props.onToggle}
                    onSelect={props.onSelect}
                  />
                </details>
              )}
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
