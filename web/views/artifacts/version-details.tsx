import { For, Show } from 'solid-js';
import type { ArtifactVersionRow } from '../../../worker/api.ts';
import { roleName } from '../../format/roles.ts';

/** Who made a version of a file (or that a template did), whether it is valid, and its quality. */
export function VersionDetails(props: { version: ArtifactVersionRow }) {
  const provenance = () => props.version.provenance;
  return (
    <div class="version-details" data-testid="version-details">
      <p>
        <Show when={provenance().source === 'template'}>
          <span class="badge template-badge">Template (no AI)</span>{' '}
        </Show>
        <Show when={provenance().source === 'user'}>
          <span class="badge">Written by you</span>{' '}
        </Show>
        <Show when={provenance().source === 'ai'}>
          <span class="badge">AI</span>{' '}
        </Show>
        <Show when={provenance().role}>{roleName(provenance().role)}</Show>
        <Show when={provenance().provider}>
          {' '}
          · {provenance().provider}
          <Show when={provenance().model}> {provenance().model}</Show>
        </Show>
        <Show when={provenance().attempt}> · attempt {provenance().attempt}</Show>
        <Show when={provenance().revertedTo}>{(to) => <> · reverted: brings back v{to()}</>}</Show>
        <Show when={provenance().taskId}>
          <span class="hint"> · task {provenance().taskId}</span>
        </Show>
      </p>
      <p>
        <Show when={props.version.validation} fallback={<span class="status-pill">not checked</span>}>
          {(validation) => (
            <span class="status-pill" data-status={validation().status === 'valid' ? 'done' : 'failed'}>
              {validation().status === 'valid' ? 'valid' : 'invalid'}
            </span>
          )}
        </Show>
        <Show when={props.version.quality !== null}>
          {' '}
          <span>quality {Math.round((props.version.quality ?? 0) * 100)}%</span>
        </Show>
        <span class="hint">
          {' '}
          · {props.version.size.toLocaleString()} bytes · {new Date(props.version.at).toLocaleString()}
        </span>
      </p>
      <Show when={props.version.validation?.issues.length}>
        <ul class="issues">
          <For each={props.version.validation?.issues ?? []}>{(issue) => <li>{issue}</li>}</For>
        </ul>
      </Show>
    </div>
  );
}
