import { previewUrl } from 'virtual:orchestra-sandbox';
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, untrack } from 'solid-js';
import { choosePage } from '../../sandbox/preview/paths.ts';
import type { PreviewCommand, PreviewEvent, PreviewFiles, PreviewLine } from '../../sandbox/preview/protocol.ts';
import type { ArtifactRow } from '../../worker/api.ts';
import { makeThrottle } from '../lib/throttle.ts';
import { callEngine } from '../worker-client.ts';
import { releaseSandboxFrames } from './sandbox-process.ts';
import './preview.css';

/** Whether a project has a page to preview (an `index.html`). */
export function hasPreviewPage(artifacts: readonly Pick<ArtifactRow, 'path'>[]): boolean {
  return choosePage(artifacts.map((artifact) => artifact.path)) !== undefined;
}

/** While a run writes files, the preview follows at most this often. */
const followEveryMs = 750;

type Status = 'starting' | 'waiting' | 'loading' | 'shown' | 'no-page';

/**
 * The Preview of a web project: its `index.html` with its CSS, scripts and modules, run
 * in the sandboxed preview page (`/sandbox/preview.html`, sandbox="allow-scripts": an
 * opaque origin with no network, no popups, no top navigation, no forms, no downloads, no
 * modals), reloaded when the project's files change, with the page's console under it.
 * The preview page is heard only on the MessagePort handed to it when it loads; nothing
 * the generated page posts to this window is listened to.
 */
export function Preview(props: { projectId: string; artifacts: readonly ArtifactRow[] }) {
  const [status, setStatus] = createSignal<Status>('starting');
  const [page, setPage] = createSignal<string>();
  const [lines, setLines] = createSignal<PreviewLine[]>([]);
  const [dropped, setDropped] = createSignal(0);
  const [navigated, setNavigated] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  const [ready, setReady] = createSignal(false);
  // Each value is a fresh preview page: Reload makes a new one, so a page stuck in an
  // endless loop (which holds the preview page's thread too) is thrown away with it.
  // 0 while a Reload waits for the test run that holds the sandbox (no frame meanwhile).
  const [frameKey, setFrameKey] = createSignal(1);
  let lastKey = 1;
  let port: MessagePort | undefined;
  let generation = 0;
  // File texts by content hash: a change to one file reads that file only.
  const texts = new Map<string, string>();

  const files = createMemo(
    () =>
      props.artifacts.map((artifact) => ({
        path: artifact.path,
        version: artifact.latest,
        hash: artifact.contentHash,
      })),
    [],
    {
      equals: (a, b) =>
        a.length === b.length && a.every((file, index) => file.hash === b[index]?.hash && file.path === b[index]?.path),
    },
  );

  async function readFiles(): Promise<PreviewFiles> {
    const wanted = untrack(files);
    const projectId = untrack(() => props.projectId);
    const read = await Promise.all(
      wanted.map(async (file): Promise<[string, string] | undefined> => {
        const known = texts.get(file.hash);
        if (known !== undefined) return [file.path, known];
        const result = await callEngine('artifactContent', projectId, file.path, file.version);
        if (!result.ok) {
          setProblem(`${file.path} could not be read: ${result.message}`);
          return undefined;
        }
        texts.set(file.hash, result.value);
        return [file.path, result.value];
      }),
    );
    return read.filter((entry) => entry !== undefined);
  }

  async function render() {
    const mine = ++generation;
    setStatus('loading');
    setLines([]);
    setDropped(0);
    setNavigated(false);
    setProblem(undefined);
    let sent: PreviewFiles;
    try {
      sent = await readFiles();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      return;
    }
    if (mine !== generation || !port) return;
    const command: PreviewCommand = { type: 'render', generation: mine, files: sent };
    port.postMessage(command);
  }

  function onEvent(event: PreviewEvent) {
    if (event.type === 'ready') return setReady(true);
    if (event.generation !== generation) return;
    switch (event.type) {
      case 'rendering':
        setPage(event.page ?? undefined);
        if (event.page === null) setStatus('no-page');
        return;
      case 'loaded':
        setPage(event.page);
        setStatus('shown');
        return;
      case 'lines':
        setLines((current) => [...current, ...event.lines]);
        setDropped(event.dropped);
        return;
      case 'navigated':
        setNavigated(true);
    }
  }

  function reload() {
    port?.close();
    port = undefined;
    generation += 1;
    setReady(false);
    setStatus('waiting');
    // The page may be stuck in an endless loop, holding the process every sandboxed frame
    // shares: the new preview page gets a fresh one only if none of them is left. The old
    // page goes now; the new one comes when the checks frame has let go (at once, unless
    // a test run holds it: then when the run ends, or sooner if nothing is stuck).
    setFrameKey(0);
    const key = ++lastKey;
    releaseSandboxFrames(() => {
      if (key !== lastKey) return;
      setStatus('loading');
      setFrameKey(key);
    });
  }

  function connect(frame: HTMLIFrameElement) {
    port?.close();
    setReady(false);
    const channel = new MessageChannel();
    port = channel.port1;
    port.addEventListener('message', (message: MessageEvent<PreviewEvent>) => onEvent(message.data));
    port.start();
    frame.contentWindow?.postMessage({ type: 'orchestra-preview-connect' }, '*', [channel.port2]);
  }
  onCleanup(() => port?.close());

  const follow = makeThrottle(() => void render(), followEveryMs);
  onCleanup(() => follow.cancel());
  createEffect(
    on([ready, files], ([isReady]) => {
      if (isReady) follow.run();
    }),
  );

  const hasPage = () => hasPreviewPage(props.artifacts);

  return (
    <section class="preview" aria-labelledby="preview-title">
      <div class="preview-head">
        <h3 id="preview-title">Preview</h3>
        <p class="hint" aria-live="polite">
          <Show when={status() === 'loading'}>Loading the page…</Show>
          <Show when={status() === 'waiting'}>Reloading once the test run lets go of the sandbox…</Show>
          <Show when={status() === 'shown' && page()}>{(shown) => `Showing ${shown()}`}</Show>
        </p>
        <button type="button" onClick={reload} disabled={!hasPage()}>
          Reload
        </button>
      </div>
      <Show
        when={hasPage()}
        fallback={<p class="empty-state">This project has no index.html, so there is nothing to preview.</p>}
      >
        <Show when={navigated()}>
          <p class="banner" role="status">
            The page tried to leave the preview; that was blocked. Reload to show it again.
          </p>
        </Show>
        <Show when={problem()}>
          {(message) => (
            <p class="problem" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <Show when={frameKey()} keyed>
          {(_key) => (
            <iframe
              class="preview-frame"
              title={`Preview of ${page() ?? 'the project'}`}
              src={previewUrl}
              sandbox="allow-scripts"
              allow=""
              referrerpolicy="no-referrer"
              onLoad={(event) => connect(event.currentTarget)}
            />
          )}
        </Show>
        {/* Focusable: it scrolls, and a keyboard must be able to scroll it too. */}
        <ol class="preview-console" aria-label="Preview console" tabIndex={0}>
          <For each={lines()}>
            {(line) => (
              <li class={`preview-line preview-${line.level}`}>
                <span class="preview-level">{line.level}</span>
                <span class="preview-text">{line.text}</span>
                <Show when={line.source}>
                  {(source) => (
                    <span class="preview-source">
                      {source().path}
                      {source().line !== undefined ? `:${source().line}` : ''}
                    </span>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ol>
        <Show when={lines().length === 0 && status() === 'shown'}>
          <p class="hint">The page has written nothing to its console.</p>
        </Show>
        <Show when={dropped() > 0}>
          <p class="hint">{dropped()} more lines were not kept.</p>
        </Show>
      </Show>
    </section>
  );
}
