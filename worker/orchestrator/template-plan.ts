import { ulid } from 'ulid';
import type { PayloadOf } from '../events/catalog.ts';
import type { ProjectTemplate } from '../providers/template/project-template.ts';
import { chooseTemplate, projectName, templates } from '../providers/template/template-adapter.ts';

/** The template a project builds from: the one chosen, else the one its description points to. */
export function templateFor(description: string, templateId: string | null): ProjectTemplate {
  return templates.find((entry) => entry.id === templateId) ?? chooseTemplate(description);
}

/**
 * The plan when no model can be reached: one task that builds a runnable starter from
 * the template the person chose (or the one the description points to). Made by the
 * engine, not a model, and labelled so everywhere.
 */
export function templatePlan(description: string, templateId: string | null): PayloadOf<'plan-propose'> {
  const template = templateFor(description, templateId);
  const files = template.files(projectName(description)).map((file) => file.path);
  return {
    planId: `plan-${ulid().slice(-8).toLowerCase()}`,
    summary: `${template.title} starter from a template — Template (no AI). No model key is set up, so Orchestra builds a runnable starter project with its own tests instead of asking a model. Add a key in Settings to have the agents build what you described.`,
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
    stack: ['Node.js', 'JavaScript'],
    languages: ['javascript', 'html', 'css'],
    source: 'template',
  };
}
