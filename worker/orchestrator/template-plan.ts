import { ulid } from 'ulid';
import type { PayloadOf } from '../events/catalog.ts';
import { chooseTemplateFor, templates } from '../providers/template/choose-template.ts';
import type { ProjectTemplate } from '../providers/template/project-template.ts';
import { projectName } from '../providers/template/template-adapter.ts';

/** The template a project builds from: the one chosen, else the one its description points to. */
export function templateFor(description: string, templateId: string | null): ProjectTemplate {
  return templates.find((entry) => entry.id === templateId) ?? chooseTemplateFor(description).template;
}

/**
 * The plan when no model can be reached: one task that builds a runnable starter from
 * the template the person chose (or the one closest to the description's language and
 * kind). Made by the engine, not a model, and it says so: no AI read the description.
 */
export function templatePlan(description: string, templateId: string | null): PayloadOf<'plan-propose'> {
  let template = templates.find((entry) => entry.id === templateId);
  let why: string;
  if (template) why = `you chose the ${template.title} template`;
  else {
    const closest = chooseTemplateFor(description);
    template = closest.template;
    why = `it is the closest template: ${closest.reason}`;
  }
  const files = template.files(projectName(description)).map((file) => file.path);
  return {
    planId: `plan-${ulid().slice(-8).toLowerCase()}`,
    summary:
      `No AI read your description: no model key is set up, so Orchestra builds the ${template.title} starter from a template — Template (no AI) — because ${why}. ` +
      `It is a runnable starting point with its own tests, not what you described. ` +
      `With a model key in Settings, the Project Manager would read your description and plan that project, and the agents would write its code.`,
    complexity: 'small',
    estimate: { tokens: 0, costUsd: 0 },
    tasks: [
      {
        id: 'scaffold',
        role: 'code-generator',
        title: `Build the ${template.title} starter`,
        instructions: `Write the files of the ${template.title} template for this project.`,
        dependsOn: [],
        expectedArtifacts: files,
        acceptance: ['The starter runs and its own tests pass.'],
      },
    ],
    stack: [...template.stack],
    languages: [...template.languages],
    source: 'template',
  };
}
