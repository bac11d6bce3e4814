import { createSignal } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';

/** A message from the person to the team; the Project Manager reads it. */
export function MessageBox(props: { projectId: string; canWrite: boolean }) {
  const [text, setText] = createSignal('');
  const [problem, setProblem] = createSignal<string>();

  async function send(event: SubmitEvent) {
    event.preventDefault();
    const result = await callEngine('sendMessage', props.projectId, text());
    if (result.ok) {
      setText('');
      setProblem(undefined);
    } else {
      setProblem(result.message);
    }
  }

  return (
    <form class="message-box" onSubmit={(event) => void send(event)}>
      <label for="message">Message to the team</label>
      <textarea
        id="message"
        rows={2}
        maxLength={10_000}
        value={text()}
        disabled={!props.canWrite}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <button type="submit" class="primary" disabled={!props.canWrite || text().trim() === ''}>
        Send
      </button>
      <Problem message={problem()} />
    </form>
  );
}
