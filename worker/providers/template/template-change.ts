import { z } from 'zod';

/*
 * The Template provider's answer to a change, with no model: it cannot make the change, so
 * it writes the request down where the project keeps its notes — a "Requested changes"
 * section at the end of each file the task modifies, placed with an edit block like any
 * agent's, and the request itself in each file the task adds — and says that no AI read it.
 * The one change it makes is a deletion the plan names (a request to delete files, read by
 * the engine, not a model): those files go, with the reason.
 */

/** What the engine sends the Template provider for a change task (its own JSON, not model text). */
export const templateChangeRequestSchema = z.object({
  change: z.object({
    instructions: z.string().max(20_000),
    /** The files the task modifies, whole. */
    modifies: z.array(z.object({ path: z.string().max(400), content: z.string() })).max(200),
    /** The new files the task adds. */
    adds: z.array(z.string().max(400)).max(200),
    /** The files the task deletes: the plan's, which the engine made from a request to delete them. */
    deletes: z.array(z.string().max(400)).max(200).optional(),
  }),
});
export type TemplateChangeRequest = z.infer<typeof templateChangeRequestSchema>;

/** Why the Template provider deletes a file: you asked, and nothing else was looked at. */
export const deletedAsAsked = 'You asked for it to be deleted; nothing that uses it was changed';

/** The heading the Template provider writes requests under. */
export const requestedChangesHeading = '## Requested changes';

/** The request as one Markdown line: its first line, trimmed, without anything that would end the list item. */
function requestLine(instructions: string): string {
  const request = /Requested change: (.+)/.exec(instructions)?.[1] ?? instructions;
  return `- ${request.replace(/\s+/g, ' ').trim().slice(0, 500)} (recorded by the Template provider: no AI read it)`;
}

/**
 * The shortest run of last lines of `text` that is found exactly once in it, so an edit
 * block can quote it; '' for an empty text (an empty search edits an empty file).
 */
export function uniqueTail(text: string): string {
  if (text === '') return '';
  const trimmed = text.replace(/\s+$/, '');
  if (trimmed === '') return text;
  const tail = text.slice(trimmed.length);
  const lines = trimmed.split('\n');
  for (let count = 1; count <= lines.length; count++) {
    const search = lines.slice(-count).join('\n') + tail;
    if (text.indexOf(search) === text.lastIndexOf(search)) return search;
  }
  return text;
}

/**
 * The change answer (`changeOutputSchema`'s shape) for a Template change task.
 *
 * @example templateChangeAnswer({ change: { instructions: 'Requested change: dark mode', modifies: [{ path: 'README.md', content: '# App\n' }], adds: [] } })
 * // { files: [], edits: [{ path: 'README.md', search: '# App\n', replace: '# App\n\n## Requested changes\n\n- dark mode …\n' }], notes: '…' }
 */
export function templateChangeAnswer(request: TemplateChangeRequest): {
  files: { path: string; language: string; content: string }[];
  edits: { path: string; search: string; replace: string }[];
  deletes: { path: string; reason: string }[];
  notes: string;
} {
  const line = requestLine(request.change.instructions);
  const edits = request.change.modifies.map((file) => {
    const search = uniqueTail(file.content);
    const kept = search.replace(/\s+$/, '');
    const section = file.content.includes(requestedChangesHeading) ? '' : `\n\n${requestedChangesHeading}\n`;
    return { path: file.path, search, replace: `${kept}${section}\n${line}\n` };
  });
  const files = request.change.adds.map((path) => ({
    path,
    language: path.endsWith('.md') ? 'markdown' : 'text',
    content: `# Requested changes\n\n${line}\n`,
  }));
  const deletes = (request.change.deletes ?? []).map((path) => ({ path, reason: deletedAsAsked }));
  return {
    files,
    edits,
    deletes,
    notes:
      deletes.length > 0
        ? 'Template (no AI): no model read this request; the files it asked to delete are deleted, nothing that uses them is changed, and the request is written down.'
        : 'Template (no AI): no model read this request, so the project itself is unchanged; the request is written down for when a model key is set up.',
  };
}
