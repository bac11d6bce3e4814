import { For, Show, createMemo, createResource, createSignal } from 'solid-js';
import type { ArtifactVersionRow, DiffHunk, DiffLine, VersionDiff } from '../../../worker/api.ts';
import { sideBySide } from '../../../worker/query/index.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { Nodes } from './code-view.tsx';
import { highlightCode } from './highlight.ts';

type Layout = 'unified' | 'side-by-side';

/**
 * What changed in a version of a file: its diff against the previous version or any
 * earlier one, unified or side by side, highlighted; and the reverts (this file, or the
 * whole project, back to this version), each a new version.
 */
export function FileChanges(props: {
  projectId: string;
  path: string;
  language: string;
  /** Every version of the file, newest first. */
  versions: ArtifactVersionRow[];
  chosen: ArtifactVersionRow;
  canWrite: boolean;
}) {
  const [layout, setLayout] = createSignal<Layout>('unified');
  const [against, setAgainst] = createSignal<{ path: string; version: number } | null>(null);
  const [message, setMessage] = createSignal<string | undefined>();
  const [problem, setProblem] = createSignal<string | undefined>();
  /** The version compared with: the one chosen for this file while it is earlier than the version shown, else the previous one. */
  const base = () => {
    const a = against();
    return a !== null && a.path === props.path && a.version < props.chosen.version
      ? a.version
      : Math.max(0, props.chosen.version - 1);
  };
  /**
   * The versions before the one shown, as numbers: each re-read of the project brings new rows
   * for the same versions, and options keyed by row were made anew, which lost the select's
   * choice (it fell to "nothing" while the diff still showed the previous version).
   */
  const earlier = () =>
    props.versions.filter((entry) => entry.version < props.chosen.version).map((entry) => entry.version);
  const latest = () => props.versions[0]?.version ?? props.chosen.version;

  // A new key only when a field changes: the versions list changes with every version a run writes.
  const key = createMemo(
    () => ({ projectId: props.projectId, path: props.path, from: base(), to: props.chosen.version }),
    undefined,
    {
      equals: (a, b) => a.projectId === b.projectId && a.path === b.path && a.from === b.from && a.to === b.to,
    },
  );
  const [diff] = createResource(key, async (key): Promise<{ value?: VersionDiff; problem?: string }> => {
    const result = await callEngine('fileDiff', key.projectId, key.path, key.from, key.to);
    return result.ok ? { value: result.value } : { problem: result.message };
  });

  async function revertFile() {
    setMessage(undefined);
    setProblem(undefined);
    const result = await callEngine('revertFile', props.projectId, props.path, props.chosen.version);
    if (result.ok) setMessage(`${props.path} is back to version ${props.chosen.version}, as a new version.`);
    else setProblem(result.message);
  }

  async function revertProject() {
    setMessage(undefined);
    setProblem(undefined);
    const result = await callEngine('revertProject', props.projectId, props.chosen.seq);
    if (!result.ok) return setProblem(result.message);
    const gone = result.value.newer.length;
    setMessage(
      `${result.value.files.length} file${result.value.files.length === 1 ? '' : 's'} went back to this point` +
        (gone > 0
          ? `; ${gone} made later ${gone === 1 ? 'was' : 'were'} deleted (${result.value.newer.join(', ')}).`
          : '.'),
    );
  }

  return (
    <section class="file-changes" aria-labelledby="changes-title" data-testid="file-changes">
      <div class="file-changes-head">
        <h4 id="changes-title">Changes in v{props.chosen.version}</h4>
        <label>
          Compare with
          <select
            value={base()}
            onChange={(event) => setAgainst({ path: props.path, version: Number(event.currentTarget.value) })}
            disabled={props.chosen.version === 1}
          >
            <For each={earlier()}>
              {(version) => (
                <option value={version} selected={version === base()}>
                  v{version}
                  {version === props.chosen.version - 1 ? ' (previous)' : ''}
                </option>
              )}
            </For>
            <option value={0} selected={base() === 0}>
              nothing (the file is new)
            </option>
          </select>
        </label>
        <div role="group" aria-label="Diff layout" class="segmented">
          <button type="button" aria-pressed={layout() === 'unified'} onClick={() => setLayout('unified')}>
            Unified
          </button>
          <button type="button" aria-pressed={layout() === 'side-by-side'} onClick={() => setLayout('side-by-side')}>
            Side by side
          </button>
        </div>
      </div>
      <Show when={diff()}>
        {(loaded) => (
          <>
            <Problem message={loaded().problem} />
            <Show when={loaded().value}>
              {(value) => (
                <>
                  <p class="diff-stat" data-testid="diff-stat">
                    <span class="diff-added">+{value().diff.added}</span>{' '}
                    <span class="diff-removed">
                      {'\u2212'}
                      {value().diff.removed}
                    </span>
                    <span class="hint">
                      {' '}
                      v{value().from === 0 ? '0 (empty)' : value().from} → v{value().to}
                      {value().diff.lineEndingsOnly ? ' · only the line endings changed' : ''}
                    </span>
                  </p>
                  <Show
                    when={layout() === 'unified'}
                    fallback={<SideBySide hunks={value().diff.hunks} language={props.language} />}
                  >
                    <Unified hunks={value().diff.hunks} language={props.language} />
                  </Show>
                </>
              )}
            </Show>
          </>
        )}
      </Show>
      <Show when={props.canWrite && props.chosen.version !== latest()}>
        <div class="actions">
          <button type="button" onClick={() => void revertFile()}>
            Revert {props.path} to v{props.chosen.version}
          </button>
          <button type="button" onClick={() => void revertProject()}>
            Revert the whole project to this point
          </button>
        </div>
      </Show>
      <Show when={message()}>
        <p role="status" class="notice">
          {message()}
        </p>
      </Show>
      <Problem message={problem()} />
    </section>
  );
}

function Code(props: { line: DiffLine | null; language: string }) {
  const nodes = createMemo(() => (props.line ? highlightCode(props.line.text, props.language) : []));
  return <Nodes nodes={nodes()} />;
}

const marks = { add: '+', remove: '\u2212', context: ' ' } as const;
const spoken = { add: 'added', remove: 'removed', context: 'unchanged' } as const;

function Unified(props: { hunks: DiffHunk[]; language: string }) {
  return (
    <Show when={props.hunks.length > 0} fallback={<p class="hint">No lines changed.</p>}>
      <table class="diff-table hljs" aria-label="Unified diff" data-testid="diff-unified">
        <For each={props.hunks}>
          {(hunk) => (
            <tbody>
              <tr class="diff-hunk">
                <td colSpan={4}>
                  @@ −{hunk.oldStart} +{hunk.newStart} @@
                </td>
              </tr>
              <For each={hunk.lines}>
                {(line) => (
                  <tr class={`diff-${line.kind}`} data-kind={line.kind}>
                    <td class="diff-num">{line.oldLine ?? ''}</td>
                    <td class="diff-num">{line.newLine ?? ''}</td>
                    <td class="diff-mark" aria-label={spoken[line.kind]}>
                      {marks[line.kind]}
                    </td>
                    <td class="diff-code">
                      <Code line={line} language={props.language} />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          )}
        </For>
      </table>
    </Show>
  );
}

function SideBySide(props: { hunks: DiffHunk[]; language: string }) {
  return (
    <Show when={props.hunks.length > 0} fallback={<p class="hint">No lines changed.</p>}>
      <table class="diff-table diff-split hljs" aria-label="Side-by-side diff" data-testid="diff-split">
        <For each={props.hunks}>
          {(hunk) => (
            <tbody>
              <For each={sideBySide(hunk)}>
                {(row) => (
                  <tr>
                    <td class="diff-num">{row.left?.oldLine ?? ''}</td>
                    <td class={`diff-code diff-${row.left?.kind ?? 'none'}`} data-kind={row.left?.kind ?? 'none'}>
                      <Code line={row.left} language={props.language} />
                    </td>
                    <td class="diff-num">{row.right?.newLine ?? ''}</td>
                    <td class={`diff-code diff-${row.right?.kind ?? 'none'}`} data-kind={row.right?.kind ?? 'none'}>
                      <Code line={row.right} language={props.language} />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          )}
        </For>
      </table>
    </Show>
  );
}
