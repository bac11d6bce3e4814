import { Show } from 'solid-js';
import { estimatedSpend } from '../format/estimated-spend.ts';

/** After a spend: the part of it charged at an estimate, when there is one (`estimatedSpend`). */
export function EstimatedNote(props: { estimatedUsd: number | undefined }) {
  return (
    <Show when={estimatedSpend(props.estimatedUsd)}>
      {(note) => (
        <span class="hint" data-testid="estimated-spend">
          {' '}
          {note()}
        </span>
      )}
    </Show>
  );
}
