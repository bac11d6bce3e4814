import { For } from 'solid-js';
import type { Preference, TemplateId } from '../../../worker/api.ts';
import type { NewProjectForm } from './new-project-input.ts';

const templates: { id: TemplateId | ''; label: string }[] = [
  { id: '', label: 'None' },
  { id: 'web-app', label: 'Web app' },
  { id: 'api-service', label: 'API service' },
  { id: 'data-pipeline', label: 'Data pipeline' },
  { id: 'python-cli', label: 'Python command-line tool' },
];

const preferences: { id: Preference; label: string; hint: string }[] = [
  { id: 'best quality', label: 'Best quality', hint: 'the strongest models, whatever they cost' },
  { id: 'balanced', label: 'Balanced', hint: 'good models at a fair price' },
  { id: 'cheapest', label: 'Cheapest', hint: 'the least expensive model that can do each task' },
];

/** How the run behaves: template, quality/cost preference, budget, parallelism, auto-approval. */
export function RunSettingsFields(props: { form: NewProjectForm; onChange: (patch: Partial<NewProjectForm>) => void }) {
  return (
    <fieldset class="run-settings">
      <legend>How to build it</legend>
      <label>
        Template
        <select
          name="template"
          value={props.form.template}
          onChange={(event) => props.onChange({ template: event.currentTarget.value as TemplateId | '' })}
        >
          <For each={templates}>{(template) => <option value={template.id}>{template.label}</option>}</For>
        </select>
      </label>
      <fieldset class="choices">
        <legend>Quality and cost</legend>
        <For each={preferences}>
          {(preference) => (
            <label class="choice">
              <input
                type="radio"
                name="preference"
                value={preference.id}
                checked={props.form.preference === preference.id}
                onChange={() => props.onChange({ preference: preference.id })}
              />
              <span>
                {preference.label} <span class="hint">— {preference.hint}</span>
              </span>
            </label>
          )}
        </For>
      </fieldset>
      <label>
        Budget (USD)
        <input
          name="budget"
          type="number"
          min="0"
          step="any"
          inputMode="decimal"
          placeholder="Default for the plan’s size"
          aria-describedby="budget-hint"
          value={props.form.budget}
          onInput={(event) => props.onChange({ budget: event.currentTarget.value })}
        />
        <span id="budget-hint" class="hint">
          Leave empty to use the default for the plan’s size. No call is made that could go over it.
        </span>
      </label>
      <label>
        Parallel agents
        <input
          name="maxParallel"
          type="number"
          min="1"
          max="8"
          step="1"
          value={props.form.maxParallel}
          onInput={(event) => props.onChange({ maxParallel: event.currentTarget.value })}
        />
        <span class="hint">At most this many agents work at the same time (1–8).</span>
      </label>
      <label class="choice">
        <input
          type="checkbox"
          name="autoApprove"
          checked={props.form.autoApprove}
          onChange={(event) => props.onChange({ autoApprove: event.currentTarget.checked })}
        />
        <span>Approve plans automatically</span>
      </label>
    </fieldset>
  );
}
