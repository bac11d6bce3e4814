import 'fake-indexeddb/auto';
import JSZip from 'jszip';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { describeEvent } from '../../../worker/query/describe-event.ts';
import { roleOf, scriptTeam } from '../../sim/agent-script.ts';
import {
  dropStylesChange,
  dropStylesReason,
  dropStylesRequestText,
  dropStylesTeam,
  inlineStyle,
  isChangePlanRequest,
  stylesLink,
} from '../../sim/change-answers.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { engineWithoutKey, templateProject, waitFor } from './helpers.ts';

/*
 * A change that deletes a file, run by the engine against the scripted team on the
 * provider simulator: the plan names the deletion, the builder's answer deletes the file
 * (after a repair when its first answer names files that are not there), and the file
 * leaves the tree and the export; a revert to before the change brings it back.
 */

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.respond('openai', undefined));

type Api = ReturnType<typeof engineWithoutKey>['api'];

async function zipPaths(api: Api, projectId: string): Promise<string[]> {
  const zip = await api.exportZip(projectId);
  if (!zip.ok) throw new Error(zip.message);
  const archive = await JSZip.loadAsync(zip.value.bytes);
  return Object.keys(archive.files).filter((name) => !archive.files[name]?.dir);
}

test('a change deletes a file: gone from the tree and the ZIP, kept in its history, in the feed with its reason, and back after a revert', async () => {
  const { api } = engineWithoutKey();
  const projectId = await templateProject(api);
  const built = await api.getProjectView(projectId);
  if (!built.ok) throw new Error(built.message);
  const styles = await api.artifactContent(projectId, 'styles.css');
  if (!styles.ok) throw new Error(styles.message);
  const beforeChange = built.value.lastSeq;
  expect((await zipPaths(api, projectId)).some((path) => path.endsWith('/styles.css'))).toBe(true);

  await api.updateProvider('openai', { baseUrl: sim.baseUrl('openai') });
  await api.setKey('openai', 'sk-test-orchestra-0000000000');
  // The first answer deletes a file that is not there and one outside the project: both go
  // back for repair with the reason, and nothing of that answer is written.
  scriptTeam(sim, 'openai', {
    ...dropStylesTeam(),
    'code-generator': (_request, nth) => ({
      kind: 'json',
      value:
        nth === 1
          ? dropStylesChange([
              { path: 'style.css', reason: 'typo' },
              { path: '../outside.txt', reason: 'hostile' },
            ])
          : dropStylesChange(),
    }),
  });
  const from = sim.requests.length;
  expect((await api.askForChange(projectId, dropStylesRequestText)).ok).toBe(true);
  const proposed = await waitFor(api, projectId, (view) => view.project.plan?.status === 'proposed');
  expect(proposed.project.plan?.tasks.map((task) => [task.id, task.modifies, task.deletes])).toEqual([
    ['inline-styles', ['index.html'], ['styles.css']],
    ['review', [], undefined],
  ]);
  // The planner was told it may delete.
  expect(JSON.stringify(sim.requests.findLast(isChangePlanRequest)?.body)).toContain('`deletes`');

  await api.approvePlan(projectId);
  const finished = await waitFor(
    api,
    projectId,
    (view) => view.project.runStatus === 'stopped' && view.tasks.some((task) => task.taskId === 'review'),
  );
  const code = sim.requests.slice(from).filter((request) => roleOf(request) === 'code-generator');
  expect(code).toHaveLength(2);
  // The builder was told which file its task deletes, and how to say so.
  expect(JSON.stringify(code[0]?.body)).toContain('Files this task deletes (as the plan says)');
  const repair = JSON.stringify(code[1]?.body);
  expect(repair).toContain('style.css cannot be deleted: the project has no such file.');
  expect(repair).toContain('climbs');
  expect(finished.tasks.find((task) => task.taskId === 'inline-styles')).toMatchObject({ status: 'done', repairs: 1 });

  // Gone from the tree, the view, the ZIP; its text is kept in its history.
  expect(finished.artifacts.map((file) => file.path)).not.toContain('styles.css');
  expect(finished.deletedArtifacts.map((file) => file.path)).toEqual(['styles.css']);
  expect(await zipPaths(api, projectId)).not.toContainEqual(expect.stringMatching(/styles\.css$/));
  expect(await api.artifactContent(projectId, 'styles.css')).toMatchObject({
    ok: false,
    message: `styles.css was deleted in version 2: ${dropStylesReason}`,
  });
  expect(await api.artifactContent(projectId, 'styles.css', 1)).toEqual({ ok: true, value: styles.value });
  const index = await api.artifactContent(projectId, 'index.html');
  expect(index.ok && index.value).toContain(inlineStyle);
  expect(index.ok && index.value).not.toContain(stylesLink);

  // The feed says what went and why; the change summary counts its lines as removed.
  const events = await api.readEvents(projectId, beforeChange + 1, finished.lastSeq);
  if (!events.ok) throw new Error(events.message);
  const deleted = events.value.filter((event) => event.type === 'artifact-delete');
  expect(deleted.map((event) => describeEvent(event))).toEqual([
    `Code Generator deleted styles.css: ${dropStylesReason}.`,
  ]);
  const summary = await api.changeSummary(projectId, beforeChange);
  const lines = styles.value.split('\n').length - 1;
  expect(summary.ok && summary.value.files).toContainEqual({
    path: 'styles.css',
    status: 'deleted',
    added: 0,
    removed: lines,
  });

  // Reverting the project to before the change brings the file back, as a new version.
  const reverted = await api.revertProject(projectId, beforeChange);
  expect(reverted.ok && reverted.value.files).toContainEqual({ path: 'styles.css', from: 2, to: 1 });
  expect(await api.artifactContent(projectId, 'styles.css')).toEqual({ ok: true, value: styles.value });
  expect((await zipPaths(api, projectId)).some((path) => path.endsWith('/styles.css'))).toBe(true);
});
