import { For, Show, createEffect, createMemo } from 'solid-js';
import type { HighlightNode } from './highlight-tree.ts';
import { highlightCode } from './highlight.ts';

/** Highlighted text as DOM nodes (spans with highlight.js's classes), never as markup. */
export function Nodes(props: { nodes: HighlightNode[] }) {
  return (
    <For each={props.nodes}>
      {(node) =>
        typeof node === 'string' ? (
          node
        ) : (
          <span class={node.class}>
            <Nodes nodes={node.children} />
          </span>
        )
      }
    </For>
  );
}

/**
 * A file's text with syntax colours, built as DOM nodes (never as markup). `line` marks
 * one line (a failing test's) and scrolls to it: lines have a fixed height, so the mark
 * is placed by arithmetic rather than by splitting the highlighted nodes into lines.
 */
export function CodeView(props: { text: string; language: string; label: string; line?: number | undefined }) {
  const nodes = createMemo(() => highlightCode(props.text, props.language));
  let mark: HTMLDivElement | undefined;
  createEffect(() => {
    if (props.line !== undefined && nodes()) mark?.scrollIntoView({ block: 'center' });
  });
  return (
    <pre class="code-view hljs" tabindex="0" aria-label={props.label} data-testid="code-view">
      <Show when={props.line}>
        {(line) => (
          <div
            ref={mark}
            class="line-mark"
            data-testid="line-mark"
            aria-label={`Line ${line()}`}
            style={{ top: `calc(var(--code-pad) + ${line() - 1} * var(--code-line))` }}
          >
            <span class="line-mark-label">Line {line()}</span>
          </div>
        )}
      </Show>
      <code>
        <Nodes nodes={nodes()} />
      </code>
    </pre>
  );
}
