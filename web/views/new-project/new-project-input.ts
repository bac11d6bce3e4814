import type { NewProject, Preference, TemplateId } from '../../../worker/api.ts';

export const descriptionLimit = 20_000;

/** What the New project form holds, as typed (budget and parallelism still text). */
export interface NewProjectForm {
  name: string;
  description: string;
  template: TemplateId | '';
  preference: Preference;
  budget: string;
  maxParallel: string;
  autoApprove: boolean;
}

export const initialForm: NewProjectForm = {
  name: '',
  description: '',
  template: '',
  preference: 'balanced',
  budget: '',
  maxParallel: '3',
  autoApprove: false,
};

/**
 * The form as the engine's `createProject` input, or a sentence saying what to fix.
 * An empty budget means "the default for the plan's size".
 * @example toNewProject({ ...initialForm, name: 'Shop' }) // { ok: true, value: { name: 'Shop', budgetUsd: null, … } }
 */
export function toNewProject(form: NewProjectForm): { ok: true; value: NewProject } | { ok: false; message: string } {
  const name = form.name.trim();
  if (name === '') return { ok: false, message: 'Give the project a name.' };
  if (form.description.length > descriptionLimit)
    return {
      ok: false,
      message: `The description is longer than ${descriptionLimit.toLocaleString('en-US')} characters.`,
    };
  let budgetUsd: number | null = null;
  if (form.budget.trim() !== '') {
    budgetUsd = Number(form.budget);
    if (!Number.isFinite(budgetUsd) || budgetUsd <= 0)
      return { ok: false, message: 'The budget must be a positive amount in US dollars, or empty.' };
  }
  const maxParallel = Number(form.maxParallel);
  if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 8)
    return { ok: false, message: 'Parallel agents must be a whole number from 1 to 8.' };
  return {
    ok: true,
    value: {
      name,
      description: form.description,
      template: form.template === '' ? null : form.template,
      preference: form.preference,
      budgetUsd,
      maxParallel,
      autoApprove: form.autoApprove,
    },
  };
}
