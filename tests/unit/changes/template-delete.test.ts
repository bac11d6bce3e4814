import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { requestedDeletions } from '../../../worker/orchestrator/template-change-plan.ts';
import { deletedAsAsked } from '../../../worker/providers/template/template-change.ts';
import { describeEvent } from '../../../worker/query/describe-event.ts';
import { engineWithoutKey, templateProject, waitFor } from '../orchestrator/helpers.ts';

/*
 * With no key, the Template provider's one change it carries out: a request that only asks
 * to delete files of the project deletes them (the offline demo of a deletion), and
 * writes the request down as for any other.
 */

test('a request reads as deletions only when it names nothing but files of the project to delete', () => {
  const files = new Set(['styles.css', 'src/old.js', 'README.md']);
  expect(requestedDeletions('Delete styles.css', files, 'README.md')).toEqual(['styles.css']);
  expect(requestedDeletions('please remove `src/old.js` and styles.css.', files, 'README.md')).toEqual([
    'src/old.js',
    'styles.css',
  ]);
  expect(requestedDeletions('Remove the files styles.css, src/old.js', files, 'README.md')).toEqual([
    'styles.css',
    'src/old.js',
  ]);
  // Anything else is a change no template can make.
  expect(requestedDeletions('Delete styles.css and add dark mode', files, 'README.md')).toEqual([]);
  expect(requestedDeletions('Delete style.css', files, 'README.md')).toEqual([]);
  expect(requestedDeletions('Remove the footer', files, 'README.md')).toEqual([]);
  expect(requestedDeletions('Dark mode, please', files, 'README.md')).toEqual([]);
  // Not the file the request is written down in.
  expect(requestedDeletions('Delete README.md', files, 'README.md')).toEqual([]);
  expect(requestedDeletions('Delete __proto__', files, 'README.md')).toEqual([]);
});

test('with no key, "Delete styles.css" deletes it as a Template change, says so, and writes the request down', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  const built = await api.getProjectView(projectId);
  if (!built.ok) throw new Error(built.message);
  const beforeChange = built.value.lastSeq;
  expect((await api.askForChange(projectId, 'Delete styles.css')).ok).toBe(true);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.summary).toMatch(/^No AI read your request: .* deletes styles\.css as you asked/);
  expect(proposed.project.plan?.tasks.map((task) => [task.id, task.modifies, task.deletes])).toEqual([
    ['note-request', ['README.md'], ['styles.css']],
  ]);
  await api.approvePlan(projectId);
  const finished = await waitFor(
    api,
    projectId,
    (view) => view.project.runStatus === 'stopped' && view.project.plan?.change !== undefined,
  );
  expect(finished.tasks.find((task) => task.taskId === 'note-request')).toMatchObject({ status: 'done' });
  expect(finished.artifacts.map((file) => file.path)).not.toContain('styles.css');
  expect(finished.deletedArtifacts.map((file) => file.path)).toEqual(['styles.css']);
  const readme = await api.artifactContent(projectId, 'README.md');
  expect(readme.ok && readme.value).toContain('- Delete styles.css (recorded by the Template provider: no AI read it)');

  const events = await api.readEvents(projectId, beforeChange + 1, finished.lastSeq);
  if (!events.ok) throw new Error(events.message);
  const deleted = events.value.filter((event) => event.type === 'artifact-delete');
  expect(deleted).toHaveLength(1);
  expect(deleted[0]?.type === 'artifact-delete' && deleted[0].payload.provenance).toMatchObject({
    source: 'template',
    taskId: 'note-request',
  });
  expect(deleted[0] && describeEvent(deleted[0])).toBe(
    `Code Generator deleted styles.css from a template — Template (no AI): ${deletedAsAsked}.`,
  );
});
