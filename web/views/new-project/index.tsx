import { useNavigate } from '@solidjs/router';
import { createSignal } from 'solid-js';
import { Problem } from '../../components/problem.tsx';
import { ViewFrame } from '../../components/view-frame.tsx';
import { callEngine } from '../../worker-client.ts';
import { type NewProjectForm, descriptionLimit, initialForm, toNewProject } from './new-project-input.ts';
import { ProviderReadiness } from './provider-readiness.tsx';
import { RunSettingsFields } from './run-settings-fields.tsx';

export default function NewProjectView() {
  const navigate = useNavigate();
  const [form, setForm] = createSignal<NewProjectForm>(initialForm);
  const [problem, setProblem] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const change = (patch: Partial<NewProjectForm>) => setForm((current) => ({ ...current, ...patch }));

  async function create(event: SubmitEvent) {
    event.preventDefault();
    const input = toNewProject(form());
    if (!input.ok) {
      setProblem(input.message);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await callEngine('createProject', input.value).catch((error: unknown) => ({
      ok: false as const,
      message: String(error),
    }));
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
      <form class="stack new-project" noValidate onSubmit={(event) => void create(event)}>
        <label>
          Name
          <input
            name="name"
            required
            maxLength={200}
            value={form().name}
            onInput={(event) => change({ name: event.currentTarget.value })}
          />
        </label>
        <label>
          Description
          <textarea
            name="description"
            rows={8}
            maxLength={descriptionLimit}
            aria-describedby="description-count"
            value={form().description}
            onInput={(event) => change({ description: event.currentTarget.value })}
          />
          <span
            id="description-count"
            class="hint"
            classList={{ 'near-limit': form().description.length > descriptionLimit * 0.9 }}
            aria-live="polite"
          >
            {form().description.length.toLocaleString()} / {descriptionLimit.toLocaleString()} characters
          </span>
        </label>
        <RunSettingsFields form={form()} onChange={change} />
        <ProviderReadiness />
        <Problem message={problem()} />
        <div>
          <button type="submit" class="primary" disabled={busy() || form().name.trim() === ''}>
            Create project
          </button>
        </div>
      </form>
    </ViewFrame>
  );
}
