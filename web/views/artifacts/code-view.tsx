import { For, createMemo } from 'solid-js';
import type { HighlightNode } from './highlight-tree.ts';
import { highlightCode } from './highlight.ts';

function Nodes(props: { nodes: HighlightNode[] }) {
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

/** A file's text with syntax colours, built as DOM nodes (never as markup). */
export function CodeView(props: { text: string; language: string; label: string }) {
  const nodes = createMemo(() => highlightCode(props.text, props.language));
  return (
    <pre class="code-view hljs" tabindex="0" aria-label={props.label} data-testid="code-view">
      <code>
        <Nodes nodes={nodes()} />
      </code>
    </pre>
  );
}
