import { ulid } from 'ulid';
import type { PayloadOf } from '../events/catalog.ts';

/** Where the Template provider writes requests down: the README, else a file of its own. */
const readme = 'README.md';
const requestsFile = 'CHANGE-REQUESTS.md';

/** The first of `base`, `base-2`, `base-3`… that no task of the project uses. */
export function freeTaskId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let suffix = 2;
  while (taken.has(`${base}-${suffix}`)) suffix += 1;
  return `${base}-${suffix}`;
}

/**
 * The files a request asks to delete, when it says only that: "Delete styles.css",
 * "remove old.js and notes.txt." — each a file of the project (not the file the request is
 * written down in). Anything else in the request is a change no template can make: none.
 *
 * @example requestedDeletions('Delete styles.css', new Set(['styles.css'])) // ['styles.css']
 */
export function requestedDeletions(request: string, files: ReadonlySet<string>, keep: string): string[] {
  const asked = /^\s*(?:please\s+)?(?:delete|remove)\s+(?:the\s+files?\s+)?(.+?)[.!]?\s*$/i.exec(request)?.[1];
  if (asked === undefined) return [];
  const names = asked
    .split(/\s*,\s*|\s+and\s+|\s+/i)
    .map((name) => name.replace(/^[`'"“‘]+|[`'"”’]+$/g, ''))
    .filter((name) => name !== '');
  if (names.length === 0 || names.some((name) => !files.has(name) || name === keep)) return [];
  return [...new Set(names)];
}

/**
 * The change plan when no model can be reached: one task for the Template provider, which
 * cannot make the change and says so — it writes the request down in the project's README
 * (an edit) or, with none, in a file of its own, for when a model key is set up. A request
 * that only asks to delete files of the project (`requestedDeletions`) is one it can carry
 * out: the task deletes them too. Made by the engine, not a model, and labelled so.
 */
export function templateChangePlan(
  request: string,
  project: { files: ReadonlySet<string>; taskIds: ReadonlySet<string>; stack: string[]; languages: string[] },
): PayloadOf<'plan-propose'> {
  const line = request.replace(/\s+/g, ' ').trim();
  const editsReadme = project.files.has(readme);
  const target = editsReadme ? readme : requestsFile;
  const exists = project.files.has(target);
  const where = editsReadme ? `${readme}, under “Requested changes”` : requestsFile;
  const deletes = requestedDeletions(line, project.files, target);
  const deleted = deletes.join(', ');
  return {
    planId: `plan-${ulid().slice(-8).toLowerCase()}`,
    summary:
      deletes.length > 0
        ? `No AI read your request: no model key is set up. Template (no AI) deletes ${deleted} as you asked ` +
          `(nothing that uses ${deletes.length === 1 ? 'it' : 'them'} is changed) and writes the request down in ${where}. ` +
          `With a model key in Settings, the Project Manager would read the project as it stands and plan the change, and the agents would make it.`
        : `No AI read your request: no model key is set up, so Orchestra cannot make this change. ` +
          `Template (no AI) writes it down in ${where}, so it stays with the project; nothing else changes. ` +
          `With a model key in Settings, the Project Manager would read the project as it stands and plan the change, and the agents would make it.`,
    complexity: 'small',
    estimate: { tokens: 0, costUsd: 0 },
    tasks: [
      {
        id: freeTaskId('note-request', project.taskIds),
        role: 'code-generator',
        title: 'Write the request down (no AI)',
        instructions:
          deletes.length > 0
            ? `Requested change: ${line}\nNo model key is set up: the Template provider deletes ${deleted} and writes the request down in ${where}.`
            : `Requested change: ${line}\nNo model key is set up, so no agent can make it: the Template provider writes it down in ${where}.`,
        dependsOn: [],
        expectedArtifacts: [target],
        acceptance: [
          `The request is written down in ${target}.`,
          ...(deletes.length > 0 ? [`${deleted} ${deletes.length === 1 ? 'is' : 'are'} deleted.`] : []),
        ],
        modifies: exists ? [target] : [],
        adds: exists ? [] : [target],
        ...(deletes.length > 0 ? { deletes } : {}),
      },
    ],
    stack: project.stack,
    languages: project.languages,
    source: 'template',
    change: { request: request.slice(0, 10_000) },
  };
}
