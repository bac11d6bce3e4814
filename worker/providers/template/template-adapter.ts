import type { ProviderAdapter } from '../contract/provider-adapter.ts';
import { ProviderError } from '../contract/provider-error.ts';
import { providerLabels } from '../contract/provider-id.ts';
import type { ProviderRequest } from '../contract/provider-request.ts';
import type { StreamPart } from '../contract/stream-part.ts';
import { chooseTemplateFor, templates } from './choose-template.ts';
import type { ProjectTemplate, TemplateFile } from './project-template.ts';
import { templateChangeAnswer, templateChangeRequestSchema } from './template-change.ts';

export { templates };

/** What the Template provider answers: the same artifact format as an agent's output. */
export interface TemplateOutput {
  /** Shown wherever this output appears: it was not written by a model. */
  label: 'Template (no AI)';
  template: ProjectTemplate['id'];
  files: TemplateFile[];
  notes: string;
}

/**
 * The template a description points to (see chooseTemplateFor): its language, then its kind.
 * @example chooseTemplate('a Python weather CLI').id // "python-cli"
 */
export function chooseTemplate(description: string, model = ''): ProjectTemplate {
  return chooseTemplateFor(description, model).template;
}

/** A package name from the description's first words: lowercase, dashes, at most 40 characters. */
export function projectName(description: string): string {
  const slug = (description.toLowerCase().match(/[a-z0-9]+/g) ?? []).slice(0, 4).join('-').slice(0, 40);
  return slug.replace(/-+$/, '') || 'starter-project';
}

/** The response format an agent changing files asks for (`changeAgentFor`'s). */
export const changeResponseName = 'orchestra_change';

/**
 * What the Template provider answers a request with: a change task (its response format
 * says so, and the engine sent it the files as JSON) gets the request written down with
 * edit blocks; anything else, the starter project its description points to.
 */
export function templateAnswer(request: ProviderRequest): unknown {
  if (request.responseFormat?.name === changeResponseName) {
    const sent = request.messages.find((message) => message.role === 'user')?.content ?? '';
    let json: unknown;
    try {
      json = JSON.parse(sent);
    } catch {
      json = undefined;
    }
    const parsed = templateChangeRequestSchema.safeParse(json);
    if (parsed.success) return templateChangeAnswer(parsed.data);
  }
  return buildFromTemplate(request);
}

/** Builds the project a request describes from its template. */
export function buildFromTemplate(request: ProviderRequest): TemplateOutput {
  const description = request.messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n');
  const template = chooseTemplate(description, request.model);
  return {
    label: 'Template (no AI)',
    template: template.id,
    files: template.files(projectName(description)),
    notes: `${template.title} starter built from a template: no AI read the description. Add a model key in Settings to have agents build what you described.`,
  };
}

export interface TemplateAdapterOptions {
  /** Characters per streamed delta. */
  chunkChars?: number;
  /** Pause between deltas, so the output streams the way a model's would. */
  delayMs?: number;
}

/**
 * The embedded default: works with no key and no network, streams a real, runnable
 * starter project as JSON like a model would, and costs nothing.
 */
export function createTemplateAdapter(options: TemplateAdapterOptions = {}): ProviderAdapter {
  const chunkChars = options.chunkChars ?? 64;
  const delayMs = options.delayMs ?? 0;
  return {
    provider: 'template',
    async *stream(request, signal): AsyncGenerator<StreamPart, void, undefined> {
      const text = JSON.stringify(templateAnswer(request));
      for (let at = 0; at < text.length; at += chunkChars) {
        if (signal.aborted) {
          yield { type: 'error', error: new ProviderError({ provider: 'template', kind: 'cancelled' }) };
          return;
        }
        yield { type: 'text-delta', text: text.slice(at, at + chunkChars) };
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      yield { type: 'usage', usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false } };
      yield { type: 'finish', reason: 'stop' };
    },
    listModels: () =>
      Promise.resolve(
        templates.map((entry) => ({
          id: `template:${entry.id}`,
          label: `${entry.title} — ${providerLabels.template}`,
        })),
      ),
  };
}
