import { Show } from 'solid-js';

/** A failure message from the engine, announced to screen readers; nothing when there is none. */
export function Problem(props: { message: string | undefined }) {
  return (
    <Show when={props.message}>
      <p class="problem" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
