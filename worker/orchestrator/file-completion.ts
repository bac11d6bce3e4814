/**
 * Files from a builder's answer (Code Generator, UI Designer, Test Writer) as artifact
 * versions, and the files a change's answer deletes (already checked against the project
 * by `applyChange`): unsafe or case-clashing paths refused and reported, a fix that
 * changes nothing caught as a loop, and the task scored by what was kept.
 */
import type { FileOutput } from '../agents/index.ts';
import { agentRoles } from '../agents/index.ts';
import { languageOf } from '../artifacts/language.ts';
import { scoreTask } from '../artifacts/quality.ts';
import { currentFile, currentFiles } from '../artifacts/project-tree.ts';
import { checkFileSet } from '../artifacts/safe-path.ts';
import type { FileDeletion } from '../changes/change-output.ts';
import { deleteDraft } from '../changes/delete-file.ts';
import type { EventDraft } from '../events/catalog.ts';
import type { BlobText } from '../events/store/contract.ts';
import { sha256Hex } from '../events/hash.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { Actor } from '../events/schemas/common.ts';
import { type AnswerFacts, type Completion, completeEvent, provenanceOf, qualityEvent } from './task-completion.ts';
import { system } from './run-context.ts';

/** Files from a Code Generator, UI Designer or Test Writer answer, and the files it deletes. */
export async function fileCompletion(
  state: ProjectState,
  facts: AnswerFacts,
  output: FileOutput,
  deletes: readonly FileDeletion[] = [],
): Promise<Completion> {
  const { task, role, destination, attempt } = facts;
  const existing = new Map(currentFiles(state).map((file) => [file.path.toLowerCase(), file.path]));
  const checked = checkFileSet(output.files);
  const rejected = [...checked.rejected];
  const accepted = checked.accepted.filter((file) => {
    const clash = existing.get(file.path.toLowerCase());
    if (clash !== undefined && clash !== file.path) {
      rejected.push({ path: file.path, reason: `${file.path} clashes with ${clash} (names differing only by case)` });
      return false;
    }
    return true;
  });
  if (accepted.length === 0 && deletes.length === 0) {
    return {
      events: [],
      blobs: [],
      quality: 0,
      failure: `None of the files could be kept: ${rejected.map((entry) => entry.reason).join('; ')}`,
    };
  }
  const hashes = await Promise.all(accepted.map((file) => sha256Hex(file.content)));
  if (
    task.kind === 'fix' &&
    deletes.length === 0 &&
    accepted.every((file, index) => currentFile(state, file.path)?.contentHash === hashes[index])
  ) {
    return {
      events: [],
      blobs: [],
      quality: 0,
      loop: `The ${agentRoles[role].title} answered the review with the very files it found problems in, unchanged; stopping instead of paying for more rounds of the same.`,
    };
  }
  const author: Actor = { kind: 'agent', role };
  const events: EventDraft[] = [];
  const blobs: BlobText[] = [];
  for (const [index, file] of accepted.entries()) {
    const contentHash = hashes[index] ?? (await sha256Hex(file.content));
    // A deleted file written again is created anew; its versions go on from its history.
    const known = state.artifacts.get(file.path);
    const present = currentFile(state, file.path);
    const language = file.language.trim() ? file.language.trim().toLowerCase().slice(0, 40) : languageOf(file.path);
    blobs.push({ hash: contentHash, content: file.content });
    events.push({
      type: present ? 'artifact-version' : 'artifact-create',
      actor: author,
      payload: {
        path: file.path,
        kind: 'source',
        language,
        contentHash,
        size: file.content.length,
        provenance: provenanceOf(task, role, destination, attempt),
      },
    });
    if (present?.contentHash !== contentHash) {
      events.push({
        type: 'artifact-validate',
        actor: system,
        payload: { path: file.path, version: (known?.latest ?? 0) + 1, status: 'valid', issues: [] },
      });
    }
  }
  for (const entry of deletes) {
    events.push(deleteDraft(entry.path, entry.reason, provenanceOf(task, role, destination, attempt), author));
  }
  for (const entry of rejected) {
    events.push({
      type: 'error-report',
      actor: system,
      payload: {
        kind: 'unsafe_path',
        message: `A file was not written: ${entry.reason}`.slice(0, 4000),
        taskId: task.taskId,
      },
    });
  }
  const hasTests = accepted.some((file) => /(^|\/)(tests?|__tests__)\/|[._-]test\.|test_|\.spec\./i.test(file.path));
  const score = scoreTask({
    role,
    repairs: facts.repairs,
    filesAccepted: accepted.length + deletes.length,
    filesRejected: rejected.length,
    hasTests,
  });
  const outputHash = await sha256Hex(facts.text);
  blobs.push({ hash: outputHash, content: facts.text });
  events.push(
    qualityEvent(task, score, destination),
    completeEvent(task, attempt, facts.usage, facts.durationMs, outputHash, facts.repairs),
  );
  return { events, blobs, quality: score.score };
}
