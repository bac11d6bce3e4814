import { useNavigate } from '@solidjs/router';
import { createSignal } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { ViewFrame } from '../../components/view-frame.tsx';
import { callEngine } from '../../worker-client.ts';

const descriptionLimit = 20_000;

export default function NewProjectView() {
  const navigate = useNavigate();
  const [name, setName] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  async function create(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const result = await callEngine('createProject', { name: name(), description: description() }).catch(
      (error: unknown) => ({ ok: false as const, message: String(error) }),
    );
    setBusy(false);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    navigate(`/run?project=${result.value.projectId}`);
  }

  return (
    <ViewFrame
      title="New project"
      intro="Describe what you want built. The Project Manager plans it as tasks, you approve the plan, and the agents build it."
    >
      <form class="stack" onSubmit={(event) => void create(event)}>
        <label>
          Name
          <input
            name="name"
            required
            maxLength={200}
            value={name()}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </label>
        <label>
          Description
          <textarea
            name="description"
            rows={8}
            maxLength={descriptionLimit}
            value={description()}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
          <span class="hint">
            {description().length.toLocaleString()} / {descriptionLimit.toLocaleString()} characters
          </span>
        </label>
        <Problem message={problem()} />
        <div>
          <button type="submit" class="primary" disabled={busy() || name().trim() === ''}>
            Create project
          </button>
        </div>
      </form>
    </ViewFrame>
  );
}
